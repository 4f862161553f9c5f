//! The C ABI, and the only module with `unsafe`.
//!
//! Exports (declared in the generated `c_glue/mp_romfs.h`):
//! [`mp_romfs_ioctl`], the state type `struct mp_romfs_state`, and with the
//! `sim-ffi` feature the simulator functions `mp_romfs_sim_*` used by the
//! emulated drivers of the test firmwares.  Imports: the port hooks of
//! `c_glue/mp_romfs_port.h`, via [`crate::bindings`].

use core::ffi::c_int;
#[cfg(feature = "blockdev")]
use core::ptr::NonNull;
use core::slice;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::bindings::{
    mp_romfs_port_erase, mp_romfs_port_poll, mp_romfs_port_program, mp_romfs_port_sync, mp_romfs_segment_t,
    mp_romfs_table_t,
};
use crate::engine::{Engine, Flash, State};
use crate::error::{Error, Result};
use crate::geometry::{Geometry, Segment};
use crate::ioctl::{route, run};

/// Set while a call runs: the port's event servicing (`poll`) may run Python
/// code that calls `vfs.rom_ioctl` again; that nested call gets `-EBUSY`.
static BUSY: AtomicBool = AtomicBool::new(false);

/// Runs `vfs.rom_ioctl` for the port's segment table.
///
/// `args` holds `n_args` (1..=4) integers: the Python arguments, where the
/// buffer of op 4 is a placeholder and its bytes are `buf`/`buf_len`.
/// Returns what Python gets, or for op 2 (on success) the segment id whose
/// object the shim returns.
///
/// # Safety
/// `table` is the port's table (its `segs` and `states` have `count`
/// entries, and the states are used by nothing else); `args` points to
/// `n_args` integers; `buf` is null or points to `buf_len` readable bytes
/// that stay unchanged during the call.
#[no_mangle]
pub unsafe extern "C" fn mp_romfs_ioctl(
    table: *const mp_romfs_table_t,
    args: *const isize,
    n_args: usize,
    buf: *const u8,
    buf_len: usize,
) -> isize {
    if table.is_null() || args.is_null() {
        return Error::BadGeometry.errno() as isize;
    }
    // SAFETY: non-null, and valid per this function's contract.
    let table = unsafe { &*table };
    // SAFETY: `args` points to `n_args` integers (contract).
    let args = unsafe { slice::from_raw_parts(args, n_args) };
    // SAFETY: null, or `buf_len` bytes that do not change (contract).
    let buf = unsafe { bytes(buf, buf_len) };
    exclusive(|| match route(args, table.count) {
        (true, id) => match open(table, id as u32, buf) {
            Ok(mut engine) => run(&mut engine, args, buf),
            Err(e) => e.errno() as isize,
        },
        (false, answer) => answer,
    })
}

/// Runs `f` unless a call is already running (then -EBUSY).
fn exclusive(f: impl FnOnce() -> isize) -> isize {
    // A load and a store, not a swap: thumbv6m has no atomic read-modify-
    // write, and the only other caller is this same thread, nested (through
    // the poll hook), for which program order is all the ordering needed:
    // no barriers.
    if BUSY.load(Ordering::Relaxed) {
        return Error::Busy.errno() as isize;
    }
    BUSY.store(true, Ordering::Relaxed);
    let result = f();
    BUSY.store(false, Ordering::Relaxed);
    result
}

/// The `len` bytes at `ptr` (none if null).
///
/// # Safety
/// `ptr` is null or points to `len` bytes that stay valid and unchanged
/// while the slice is used.
unsafe fn bytes<'b>(ptr: *const u8, len: usize) -> &'b [u8] {
    if ptr.is_null() {
        &[]
    } else {
        // SAFETY: per this function's contract.
        unsafe { slice::from_raw_parts(ptr, len) }
    }
}

/// The block view of segment `id` (`romfs.segment(id)`): `method` is
/// `MP_ROMFS_READ` or `MP_ROMFS_WRITE`, plus `MP_ROMFS_AT` for the extended
/// form, with `a` the block, `b` the offset, `buf`/`buf_len` the buffer; or
/// `MP_ROMFS_IOCTL` with `a` the op, `b` its argument.  Returns 0 or a
/// negative errno (ioctl: its value, or `MP_ROMFS_NONE` for an op the
/// protocol does not define).  See the `block` module for the semantics.
///
/// # Safety
/// `table` as for [`mp_romfs_ioctl`]; `buf` is null or points to `buf_len`
/// bytes, writable for `MP_ROMFS_READ`, that nothing else uses during the
/// call.
#[cfg(feature = "blockdev")]
#[no_mangle]
pub unsafe extern "C" fn mp_romfs_block(
    table: *const mp_romfs_table_t,
    id: usize,
    method: u32,
    a: isize,
    b: isize,
    buf: *mut u8,
    buf_len: usize,
) -> isize {
    use crate::block::{self, AT, IOCTL, READ_BLOCKS as READ, WRITE_BLOCKS as WRITE};
    if table.is_null() {
        return Error::BadGeometry.errno() as isize;
    }
    // SAFETY: non-null, and valid per this function's contract.
    let table = unsafe { &*table };
    if id >= table.count as usize {
        return Error::BadRequest.errno() as isize;
    }
    // SAFETY: null, or `buf_len` bytes nothing else uses (contract); read
    // here only for writes.
    let src = unsafe { bytes(buf, buf_len) };
    exclusive(|| {
        let mut engine = match open(table, id as u32, src) {
            Ok(engine) => engine,
            Err(e) => return e.errno() as isize,
        };
        let at = method & AT != 0;
        let result = match method & !AT {
            IOCTL if !at => return block::ioctl(&mut engine, a, b),
            READ => match NonNull::new(buf) {
                // SAFETY: `buf_len` writable bytes nothing else uses
                // (contract); `open` checked that they are not the segment.
                Some(p) => block::read(&engine, a, b, unsafe { slice::from_raw_parts_mut(p.as_ptr(), buf_len) }),
                None => block::read(&engine, a, b, &mut []),
            },
            WRITE => block::write(&mut engine, a, at.then_some(b), src),
            _ => Err(Error::BadRequest),
        };
        result.map_or_else(|e| e.errno() as isize, |()| 0)
    })
}

/// The engine of segment `id` (< `table.count`, checked by the caller), or
/// [`Error::BadGeometry`] if the port's description is unusable, or
/// [`Error::BadRequest`] if the caller's buffer `buf` overlaps the segment
/// (its bytes would change under the call).
fn open<'t>(table: &'t mp_romfs_table_t, id: u32, buf: &[u8]) -> Result<Engine<'t, PortFlash<'t>>> {
    if table.segs.is_null() || table.states.is_null() {
        return Err(Error::BadGeometry);
    }
    // SAFETY: `segs` has `count` entries and id < count.
    let desc = unsafe { &*table.segs.add(id as usize) };
    // SAFETY: `states` has `count` entries of `struct mp_romfs_state`, which
    // is `State` (the generated header declares it from this type); only
    // the core uses them, and BUSY admits one call at a time, so this is
    // the only reference.
    let st = unsafe { &mut *table.states.cast::<State>().add(id as usize) };
    if desc.geom.is_null() || desc.mem.is_null() {
        return Err(Error::BadGeometry);
    }
    // SAFETY: the port's geometry is valid, immutable data.
    let g = unsafe { &*desc.geom };
    let runs = if g.runs.is_null() {
        &[][..]
    } else {
        // SAFETY: `runs` has `n_runs` entries of immutable data.
        unsafe { slice::from_raw_parts(g.runs, g.n_runs as usize) }
    };
    let (start, end) = (desc.mem as usize, desc.mem as usize + desc.len as usize);
    if !buf.is_empty() && (buf.as_ptr() as usize) < end && start < buf.as_ptr() as usize + buf.len() {
        return Err(Error::BadRequest);
    }
    let seg = Segment::new(desc.addr, desc.len, Geometry::new(g, runs))?;
    Ok(Engine::new(seg, st, PortFlash(desc)))
}

/// A port's segment, flashed through its hooks.
struct PortFlash<'a>(&'a mp_romfs_segment_t);

fn hook_result(rc: c_int) -> Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(Error::Io)
    }
}

impl Flash for PortFlash<'_> {
    fn mem(&self) -> &[u8] {
        // SAFETY: the port maps `len` readable bytes at `mem` (non-null,
        // checked in `open`).  They change only inside the hooks, which take
        // `&mut self`, so no slice returned here is alive while they change.
        unsafe { slice::from_raw_parts(self.0.mem, self.0.len as usize) }
    }

    fn erase(&mut self, off: u32, size: u32) -> Result<()> {
        // SAFETY: the hook gets the port's own segment and a range the
        // engine keeps inside it.
        hook_result(unsafe { mp_romfs_port_erase(self.0, self.0.addr + off, size) })
    }

    fn program(&mut self, off: u32, src: &[u8]) -> Result<()> {
        // SAFETY: as for erase; `src` is valid for `src.len()` bytes.
        hook_result(unsafe { mp_romfs_port_program(self.0, self.0.addr + off, src.as_ptr(), src.len() as u32) })
    }

    fn poll(&mut self) {
        // SAFETY: the hook has no preconditions.
        unsafe { mp_romfs_port_poll() }
    }

    fn sync(&mut self) {
        // SAFETY: the hook gets the port's own segment.
        unsafe { mp_romfs_port_sync(self.0) }
    }
}

/// Firmware builds have no unwinding and no formatting: a panic (which the
/// core is built never to reach) calls the shim's fatal-error hook.
#[cfg(feature = "firmware")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: the hook takes no arguments and does not return.
    unsafe { crate::bindings::mp_romfs_fatal() }
}

#[cfg(feature = "sim-ffi")]
pub use sim_ffi::*;

/// The simulator's C ABI, for the emulated flash drivers of test firmwares.
#[cfg(feature = "sim-ffi")]
mod sim_ffi {
    use core::cell::UnsafeCell;
    use core::slice;

    use crate::bindings::mp_romfs_geometry_t;
    use crate::sim::{profiles, Fault, Memory, NorSim, Stats, Tear};

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
        with(dev, |sim| code(sim.erase(addr, size))).unwrap_or(-1)
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
        with(dev, |sim| code(sim.program(addr, src))).unwrap_or(-1)
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
                let map = libc::mmap(
                    core::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED,
                    fd,
                    0,
                );
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
}
