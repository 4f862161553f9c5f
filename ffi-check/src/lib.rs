//! The core's C ABI, driven from C: `tests/c/ffi_harness.c` is a port (its
//! hooks on the simulator's C ABI) and a caller (as the shim calls), with
//! every buffer exactly as large as it says.  Run plainly by `cargo test`,
//! and under AddressSanitizer and valgrind by `tools/memcheck.sh`.

use core::ffi::c_int;

// Make sure the core (and its exports) is linked into the test binary.
pub use mp_romfs_sim as _sim;

extern "C" {
    /// Runs every check of the harness; returns how many failed.
    pub fn ffi_harness_run() -> c_int;
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_c_harness_passes() {
        // SAFETY: the harness is single-threaded C that owns its own state.
        assert_eq!(unsafe { super::ffi_harness_run() }, 0);
    }
}
