//! The core of MicroPython's `vfs.rom_ioctl`: validation, erase planning over
//! real sector layouts, programming with verification, and power-loss-safe
//! commit of ROMFS images.
//!
//! Data flows one way: the C shim (`c_glue/`) turns Python objects into
//! integers and a buffer and calls [`ffi`]; [`ioctl`] dispatches; [`engine`]
//! keeps each segment's state, plans erases and programs with the unit
//! comparisons of [`plan`] over the layouts of [`geometry`], and executes
//! them; the port's hooks perform one flash operation each.  [`sim`] is the NOR flash simulator used by host tests and test
//! firmwares; it is not part of a production firmware build.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(all(feature = "std", not(test)))]
extern crate std;

pub mod bindings;
pub mod engine;
pub mod error;
pub mod ffi;
pub mod geometry;
pub mod ioctl;
#[cfg(all(feature = "sim", feature = "std"))]
pub mod oracle;
pub mod plan;
#[cfg(feature = "sim")]
pub mod sim;
