//! The core of MicroPython's `vfs.rom_ioctl`: validation, erase planning over
//! real sector layouts, programming with verification, and power-loss-safe
//! commit of ROMFS images.
//!
//! Data flows one way: the C shim (`c_glue/`) turns Python objects into
//! integers and a buffer and calls [`ffi`]; [`ioctl`] dispatches; [`engine`]
//! keeps each segment's state and decides erases and programs with the
//! write rules of [`rules`] over the layouts of [`geometry`]; the port's
//! hooks perform one flash operation each.
//!
//! Everything in this crate is firmware code.  The NOR flash simulator, the
//! reference model and the test rigs are in the host crate `mp-romfs-sim`
//! (`rust/sim/`).
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod bindings;
#[cfg(feature = "blockdev")]
pub mod block;
pub mod engine;
pub mod error;
pub mod ffi;
pub mod geometry;
pub mod ioctl;
pub mod rules;
