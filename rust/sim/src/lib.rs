//! The host side of `mp-romfs`: nothing here goes into a production
//! firmware.
//!
//! - [`nor`]: the NOR flash simulator (chip profiles, write rules, fence,
//!   datasheet timings, power cuts) that every host test, the benchmark and
//!   the test firmwares' emulated flash run on.
//! - With `std`: [`rig`], the one test rig (the core on a simulated
//!   segment, called as the firmware calls it); [`clients`], each deploy
//!   client's call sequence written once; [`model`], the reference model;
//!   [`check`], every call compared with the model and the latency bound;
//!   [`setups`], the segments the randomized tests run on; [`image`], test
//!   images and the mount rule.
//! - With `ffi`: [`ffi`], the simulator's C ABI for the test firmwares.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub use mp_romfs;

#[cfg(feature = "std")]
pub mod check;
#[cfg(feature = "std")]
pub mod clients;
#[cfg(feature = "ffi")]
pub mod ffi;
#[cfg(feature = "std")]
pub mod image;
#[cfg(feature = "std")]
pub mod model;
pub mod nor;
#[cfg(feature = "std")]
pub mod rig;
#[cfg(feature = "std")]
pub mod setups;
#[cfg(feature = "std")]
pub mod storage;
