//! Dispatch of `vfs.rom_ioctl(op, ...)` after the C shim has turned its
//! arguments into integers and (op 4) a byte buffer.
#![forbid(unsafe_code)]

use crate::engine::{Engine, Flash};
use crate::error::{Error, Result};

/// Op numbers of MicroPython's `extmod/vfs.h`.
pub mod op {
    /// `rom_ioctl(1)`: number of segments.
    pub const GET_NUMBER_OF_SEGMENTS: isize = 1;
    /// `rom_ioctl(2, id)`: the segment object.
    pub const GET_SEGMENT: isize = 2;
    /// `rom_ioctl(3, id, len)` or `rom_ioctl(3, id, off, len)`: prepare.
    pub const WRITE_PREPARE: isize = 3;
    /// `rom_ioctl(4, id, off, buf)`: write.
    pub const WRITE: isize = 4;
    /// `rom_ioctl(5, id)`: complete.
    pub const WRITE_COMPLETE: isize = 5;
    /// `rom_ioctl(6, id)`: granularity of the 4-arg prepare.
    pub const GET_MIN_PREPARE: isize = 6;
}

/// Runs one `rom_ioctl` call and returns what Python gets: a count, a
/// segment id (op 2: the shim then returns that segment's object), the
/// minimum write size (op 3), the granularity (op 6), 0, or a negative
/// errno.
///
/// `args` are all arguments as integers (for op 4 the last one is a
/// placeholder; its bytes are `buf`).  `open(id)` gives the engine of a
/// valid segment id.  A failed or refused prepare or write marks the
/// deploy as failed, so that op 5 does not commit it.
pub fn dispatch<'a, F: Flash + 'a>(
    args: &[isize],
    buf: &[u8],
    count: u32,
    open: impl FnOnce(u32) -> Result<Engine<'a, F>>,
) -> isize {
    match run(args, buf, count, open) {
        Ok(v) => v,
        Err(e) => e.errno() as isize,
    }
}

fn run<'a, F: Flash + 'a>(
    args: &[isize],
    buf: &[u8],
    count: u32,
    open: impl FnOnce(u32) -> Result<Engine<'a, F>>,
) -> Result<isize> {
    let (&cmd, rest) = args.split_first().ok_or(Error::BadRequest)?;
    if cmd == op::GET_NUMBER_OF_SEGMENTS && rest.is_empty() {
        return Ok(count as isize);
    }
    let (&id, rest) = rest.split_first().ok_or(Error::BadRequest)?;
    let id = u32::try_from(id).ok().filter(|&id| id < count).ok_or(Error::BadRequest)?;
    match (cmd, rest) {
        (op::GET_SEGMENT, []) => return Ok(id as isize),
        (op::WRITE_PREPARE, [_] | [_, _]) | (op::WRITE, [_, _]) => {}
        (op::WRITE_COMPLETE | op::GET_MIN_PREPARE, []) => {}
        _ => return Err(Error::BadRequest),
    }
    let mut engine = open(id)?;
    let result = match (cmd, rest) {
        (op::WRITE_PREPARE, &[len]) => arg(len).and_then(|len| engine.prepare(None, len)),
        (op::WRITE_PREPARE, &[off, len]) => arg(off).and_then(|off| engine.prepare(Some(off), arg(len)?)),
        (op::WRITE, &[off, _]) => arg(off).and_then(|off| engine.write(off, buf)),
        (op::WRITE_COMPLETE, _) => return engine.complete().map(|()| 0),
        _ => return Ok(engine.min_prepare() as isize),
    };
    match result {
        Ok(()) if cmd == op::WRITE_PREPARE => Ok(engine.program_unit() as isize),
        Ok(()) => Ok(0),
        Err(e) => {
            engine.poison();
            Err(e)
        }
    }
}

/// An offset or length from Python: 0..=u32::MAX.
fn arg(v: isize) -> Result<u32> {
    u32::try_from(v).map_err(|_| Error::OutOfBounds)
}
