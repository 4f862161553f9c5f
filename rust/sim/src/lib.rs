//! The host side of `mp-romfs`: nothing here goes into a production
//! firmware.
//!
//! - [`nor`]: the NOR flash simulator (chip profiles, write rules, fence,
//!   datasheet timings, power cuts) that every host test, the benchmark and
//!   the test firmwares' emulated flash run on.
//! - [`oracle`] (with `std`): the checking harness of the property test and
//!   the fuzz target.
//! - [`ffi`] (with `ffi`): the simulator's C ABI for the test firmwares.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub use mp_romfs;

#[cfg(feature = "ffi")]
pub mod ffi;
pub mod nor;
#[cfg(feature = "std")]
pub mod oracle;
