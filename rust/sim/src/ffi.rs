//! The simulator's C ABI, for the emulated flash drivers of the test
//! firmwares (declared in the generated `rust/sim/mp_romfs_sim.h`), and
//! file-backed device memory for the unix test firmware (`host-file`).
//!
//! Test firmwares link this crate's static library, which holds the core
//! (`mp-romfs`) and its C ABI as well.
#![allow(unsafe_code)]

use core::cell::UnsafeCell;
use core::slice;

use crate::nor::{profiles, Fault, Memory, NorSim, Stats, Tear};
use mp_romfs::bindings::mp_romfs_geometry_t;

/// Memory the C side owns (a RAM area, or a mapped file).
struct RawMem {
    ptr: *mut u8,
    len: usize,
}

impl Memory for RawMem {
    fn bytes(&self) -> &[u8] {
        // SAFETY: `attach` was given `len` bytes at `ptr` that live for
        // the whole program; the core reads them through the segment
        // mapping only between simulator calls.
        unsafe { slice::from_raw_parts(self.ptr, self.len) }
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above; no other reference is alive during a
        // simulator call.
        unsafe { slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

const MAX_DEVICES: usize = 4;

struct Devices(UnsafeCell<[Option<NorSim<RawMem>>; MAX_DEVICES]>);

// SAFETY: test firmwares call the simulator from one thread only.
unsafe impl Sync for Devices {}

static DEVICES: Devices = Devices(UnsafeCell::new([const { None }; MAX_DEVICES]));

fn with<R>(dev: u32, f: impl FnOnce(&mut NorSim<RawMem>) -> R) -> Option<R> {
    // SAFETY: single-threaded, and no simulator function calls another,
    // so this is the only reference to the table while it lives.
    let devices = unsafe { &mut *DEVICES.0.get() };
    devices.get_mut(dev as usize)?.as_mut().map(f)
}

/// Counters of a simulated device, for C.
#[repr(C)]
pub struct mp_romfs_sim_stats {
    /// Erase operations.
    pub erases: u64,
    /// Program operations.
    pub programs: u64,
    /// Bytes programmed.
    pub programmed_bytes: u64,
    /// Modelled time at typical figures, ns.
    pub typ_ns: u64,
    /// Modelled time at maximum figures, ns.
    pub max_ns: u64,
    /// Refused operations (must stay 0).
    pub violations: u64,
}

/// Fault code returned for a power cut (the emulated driver stops).
pub const MP_ROMFS_SIM_POWER_LOST: i32 = -100;

/// Chip profile ids for C (indices of `profiles::ALL`).
pub const MP_ROMFS_SIM_STM32F767: u32 = 0;
/// See [`MP_ROMFS_SIM_STM32F767`].
pub const MP_ROMFS_SIM_STM32F429: u32 = 1;
/// See [`MP_ROMFS_SIM_STM32F767`].
pub const MP_ROMFS_SIM_STM32H743: u32 = 2;
/// See [`MP_ROMFS_SIM_STM32F767`].
pub const MP_ROMFS_SIM_SAMD21: u32 = 3;
/// See [`MP_ROMFS_SIM_STM32F767`].
pub const MP_ROMFS_SIM_SAMD51: u32 = 4;
/// See [`MP_ROMFS_SIM_STM32F767`].
pub const MP_ROMFS_SIM_W25Q128: u32 = 5;
/// See [`MP_ROMFS_SIM_STM32F767`].
pub const MP_ROMFS_SIM_IS25WX256: u32 = 6;
/// See [`MP_ROMFS_SIM_STM32F767`].
pub const MP_ROMFS_SIM_ALIF_MRAM: u32 = 7;

fn code(r: Result<(), Fault>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(Fault::Fence) => -1,
        Err(Fault::Misaligned) => -2,
        Err(Fault::NotErased) => -3,
        Err(Fault::PowerLost) => MP_ROMFS_SIM_POWER_LOST,
    }
}

/// Fills `out` with the layout of chip profile `profile` (an index of
/// `profiles::ALL`) placed at device address `base`.  Returns 0, or -1
/// for an unknown profile.
///
/// # Safety
/// `out` points to a writable `mp_romfs_geometry_t`.
#[no_mangle]
pub unsafe extern "C" fn mp_romfs_sim_geometry(profile: u32, base: u32, out: *mut mp_romfs_geometry_t) -> i32 {
    let Some(p) = profiles::ALL.get(profile as usize) else { return -1 };
    let g = p.raw_geometry(base);
    // SAFETY: `out` is writable (contract).
    unsafe { out.write(g) };
    0
}

/// Makes `len` bytes at `mem` simulated device `dev` (0..4) of chip
/// profile `profile`, whose first sector is at device address `base`;
/// only `fence_addr..fence_addr + fence_len` may be changed.  Returns 0,
/// or -1 for a bad device or profile.
///
/// # Safety
/// `mem` points to `len` bytes that live for the rest of the program and
/// are changed only through this simulator.
#[no_mangle]
pub unsafe extern "C" fn mp_romfs_sim_attach(
    dev: u32,
    profile: u32,
    base: u32,
    mem: *mut u8,
    len: u32,
    fence_addr: u32,
    fence_len: u32,
) -> i32 {
    let Some(p) = profiles::ALL.get(profile as usize) else { return -1 };
    // SAFETY: single-threaded; no other reference to the table exists.
    let devices = unsafe { &mut *DEVICES.0.get() };
    let Some(slot) = devices.get_mut(dev as usize) else { return -1 };
    let fence = (fence_addr, fence_addr.saturating_add(fence_len));
    *slot = Some(NorSim::new(p, base, RawMem { ptr: mem, len: len as usize }, fence));
    0
}

/// Erases `size` bytes at device address `addr` of device `dev`.
/// Returns 0 or a negative fault code.
#[no_mangle]
pub extern "C" fn mp_romfs_sim_erase(dev: u32, addr: u32, size: u32) -> i32 {
    let rc = with(dev, |sim| code(sim.erase(addr, size))).unwrap_or(-1);
    count_down();
    rc
}

/// Programs `len` bytes from `src` at device address `addr` of device
/// `dev`.  Returns 0 or a negative fault code.
///
/// # Safety
/// `src` points to `len` readable bytes outside the device's memory.
#[no_mangle]
pub unsafe extern "C" fn mp_romfs_sim_program(dev: u32, addr: u32, src: *const u8, len: u32) -> i32 {
    if src.is_null() {
        return -2;
    }
    // SAFETY: `src` points to `len` bytes (contract).
    let src = unsafe { slice::from_raw_parts(src, len as usize) };
    let rc = with(dev, |sim| code(sim.program(addr, src))).unwrap_or(-1);
    count_down();
    rc
}

/// Flash operations (of any device) left until the one after which
/// `mp_romfs_sim_interrupt` is called; 0: none armed.
struct Countdown(UnsafeCell<u32>);

// SAFETY: test firmwares call the simulator from one thread only.
unsafe impl Sync for Countdown {}

static INTERRUPT: Countdown = Countdown(UnsafeCell::new(0));

extern "C" {
    /// Provided by the test firmware: what a Ctrl-C arriving during a flash
    /// operation does (`mp_sched_keyboard_interrupt()`: the port's next
    /// event poll raises KeyboardInterrupt).
    fn mp_romfs_sim_interrupt();
}

fn count_down() {
    // SAFETY: single-threaded, and no other reference to the counter exists.
    let left = unsafe { &mut *INTERRUPT.0.get() };
    if *left != 0 {
        *left -= 1;
        if *left == 0 {
            // SAFETY: the hook takes no arguments.
            unsafe { mp_romfs_sim_interrupt() };
        }
    }
}

/// After `ops` more flash operations (of any simulated device; 0: never),
/// calls `mp_romfs_sim_interrupt()` once, as if Ctrl-C arrived during that
/// operation.
#[no_mangle]
pub extern "C" fn mp_romfs_sim_interrupt_after(ops: u32) {
    // SAFETY: single-threaded, and no other reference to the counter exists.
    unsafe { *INTERRUPT.0.get() = ops };
}

/// Copies the counters of device `dev` to `out`.  Returns 0, or -1 for
/// a bad device.
///
/// # Safety
/// `out` points to a writable `mp_romfs_sim_stats`.
#[no_mangle]
pub unsafe extern "C" fn mp_romfs_sim_stats(dev: u32, out: *mut mp_romfs_sim_stats) -> i32 {
    let Some(s) = with(dev, |sim| sim.stats) else { return -1 };
    let Stats { erases, programs, programmed_bytes, typ_ns, max_ns, violations, .. } = s;
    // SAFETY: `out` is writable (contract).
    unsafe { out.write(mp_romfs_sim_stats { erases, programs, programmed_bytes, typ_ns, max_ns, violations }) };
    0
}

/// Cuts the power of device `dev` at the operation after `ops` more:
/// that one is left half done (`tear` 1: first half, 2: second half of
/// an erase) or not done (0); every later one fails with
/// `MP_ROMFS_SIM_POWER_LOST`.
#[no_mangle]
pub extern "C" fn mp_romfs_sim_cut_after(dev: u32, ops: u32, tear: u32) {
    let tear = match tear {
        1 => Tear::Front,
        2 => Tear::Back,
        _ => Tear::None,
    };
    with(dev, |sim| sim.cut_after(u64::from(ops), tear));
}

/// Power is back on device `dev` (after a simulated reboot).
#[no_mangle]
pub extern "C" fn mp_romfs_sim_power_on(dev: u32) {
    with(dev, |sim| sim.power_on());
}

#[cfg(feature = "host-file")]
pub use file::*;

/// File-backed device memory for the unix test firmware.
#[cfg(feature = "host-file")]
mod file {
    use core::ffi::c_char;

    /// Maps the file at `path` (created if missing) as `len` bytes of
    /// device memory, shared with the file so it persists across runs;
    /// bytes the file did not have read as `erased`.  Returns the
    /// mapping, or null on failure.
    ///
    /// # Safety
    /// `path` is a NUL-terminated string.
    #[no_mangle]
    pub unsafe extern "C" fn mp_romfs_sim_map_file(path: *const c_char, len: u32, erased: u8) -> *mut u8 {
        // SAFETY: libc calls with a valid path (contract) and checked results.
        unsafe {
            let fd = libc::open(path, libc::O_RDWR | libc::O_CREAT | libc::O_CLOEXEC, 0o644);
            if fd < 0 {
                return core::ptr::null_mut();
            }
            let mut st: libc::stat = core::mem::zeroed();
            let old = if libc::fstat(fd, &mut st) == 0 { st.st_size.max(0) as usize } else { usize::MAX };
            let len = len as usize;
            if old == usize::MAX || (old < len && libc::ftruncate(fd, len as libc::off_t) != 0) {
                libc::close(fd);
                return core::ptr::null_mut();
            }
            let map =
                libc::mmap(core::ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd, 0);
            libc::close(fd);
            if map == libc::MAP_FAILED {
                return core::ptr::null_mut();
            }
            let mem = map.cast::<u8>();
            if old < len {
                core::ptr::write_bytes(mem.add(old), erased, len - old);
            }
            mem
        }
    }
}

/// The unix test firmware links this crate without `std`: a panic (which
/// nothing here is built to reach) stops it through the shim's fatal hook.
/// (Bare-metal builds get the core's handler.)
#[cfg(not(any(feature = "std", target_os = "none")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: the hook takes no arguments and does not return.
    unsafe { mp_romfs::bindings::mp_romfs_fatal() }
}
