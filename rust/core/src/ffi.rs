//! The C ABI, and the only module with `unsafe`.
//!
//! Exports (declared in the generated `c_glue/mp_romfs.h`):
//! [`mp_romfs_ioctl`], `mp_romfs_block` (block view) and the state type
//! `struct mp_romfs_state`.  Imports: the port hooks of
//! `c_glue/mp_romfs_port.h`, via [`crate::bindings`].

#[cfg(feature = "blockdev")]
use core::ptr::NonNull;
use core::slice;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::bindings::{
    mp_romfs_poll, mp_romfs_port_erase, mp_romfs_port_program, mp_romfs_port_sync, mp_romfs_segment_t, mp_romfs_table_t,
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
/// `table` points to the port's table (its `segs` and `states` point to
/// `count` entries each, and the states are used by nothing else); `args`
/// points to `n_args` integers; `buf` is null or points to `buf_len`
/// readable bytes that stay unchanged during the call.
#[no_mangle]
pub unsafe extern "C" fn mp_romfs_ioctl(
    table: *const mp_romfs_table_t,
    args: *const isize,
    n_args: usize,
    buf: *const u8,
    buf_len: usize,
) -> isize {
    // SAFETY: valid per this function's contract.
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
    if (buf.as_ptr() as usize) < end && start < buf.as_ptr() as usize + buf.len() {
        return Err(Error::BadRequest);
    }
    let seg = Segment::new(desc.addr, desc.len, Geometry::new(g, runs))?;
    Ok(Engine::new(seg, st, PortFlash(desc)))
}

/// A port's segment, flashed through its hooks (polls by way of the shim's
/// `mp_romfs_poll`, which keeps exceptions out of Rust frames).
struct PortFlash<'a>(&'a mp_romfs_segment_t);

/// A hook's result: 0, or a failure.
fn hook_result(rc: core::ffi::c_int) -> Result<()> {
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

    // Inlined at its few callers rather than called: -12 B on thumbv6m,
    // -8..-18 B elsewhere.
    #[inline(always)]
    fn poll(&mut self) -> Result<()> {
        // SAFETY: no preconditions; the shim catches what the port's poll
        // raises.
        if unsafe { mp_romfs_poll() } == 0 {
            Ok(())
        } else {
            Err(Error::Interrupted)
        }
    }

    fn sync(&mut self) -> Result<()> {
        // SAFETY: the hook gets the port's own segment.
        unsafe { mp_romfs_port_sync(self.0) };
        Ok(())
    }
}

/// Firmware builds have no unwinding and no formatting: a panic (which the
/// core is built never to reach) calls the shim's fatal-error hook.
#[cfg(all(not(test), target_os = "none"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: the hook takes no arguments and does not return.
    unsafe { crate::bindings::mp_romfs_fatal() }
}
