//! Dispatch of `vfs.rom_ioctl(op, ...)` after the C shim has turned its
//! arguments into integers and (op 4) a byte buffer.
#![forbid(unsafe_code)]

use crate::engine::{Engine, Flash};
use crate::error::Error;

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

/// The first step of a `rom_ioctl` call: checks the op, the number of
/// arguments and the segment id.  `(false, answer)`: the call is answered
/// without touching a segment (op 1's count, op 2's id, or -EINVAL);
/// `(true, id)`: run it on segment `id` with [`run`].
///
/// `args` are all arguments as integers (for op 4 the last one stands for
/// the buffer).
pub fn route(args: &[isize], count: u32) -> (bool, isize) {
    let n = args.len();
    let cmd = args.first().copied().unwrap_or(0);
    // Ops 1..=6 take 1..=4 arguments: bit 4 * (op - 1) + (n - 1) of ARITY
    // is set if op takes n of them.
    const ARITY: u32 = 1 << 0 // op 1: 1 argument
        | 1 << (4 + 1) // op 2: 2
        | 1 << (8 + 2) | 1 << (8 + 3) // op 3: 3 or 4
        | 1 << (12 + 3) // op 4: 4
        | 1 << (16 + 1) // op 5: 2
        | 1 << (20 + 1); // op 6: 2
    let (op_index, n_index) = ((cmd as usize).wrapping_sub(1), n.wrapping_sub(1));
    let arity_ok = op_index < 6 && n_index < 4 && ARITY >> (op_index * 4 + n_index) & 1 != 0;
    // Every op but op 1 has an id.
    let id = args.get(1).copied().unwrap_or(0);
    // (A negative id, as usize, is past any count.)
    if !arity_ok || (cmd != op::GET_NUMBER_OF_SEGMENTS && id as usize >= count as usize) {
        return (false, Error::BadRequest.errno() as isize);
    }
    match cmd {
        op::GET_NUMBER_OF_SEGMENTS => (false, count as isize),
        op::GET_SEGMENT => (false, id),
        _ => (true, id),
    }
}

/// Runs an op that [`route`] sent to a segment, on that segment's engine,
/// and returns what Python gets: the minimum write size (op 3), 0 (ops 4
/// and 5), the granularity (op 6), or a negative errno.  A failed, refused
/// or interrupted prepare or write marks the deploy as failed, so that
/// op 5 does not commit it.
pub fn run<F: Flash>(engine: &mut Engine<'_, F>, args: &[isize], buf: &[u8]) -> isize {
    let arg = |i: usize| u32::try_from(args.get(i).copied().unwrap_or(-1)).map_err(|_| Error::OutOfBounds);
    let cmd = args.first().copied().unwrap_or(0);
    let result = match cmd {
        // (len) or (off, len)
        op::WRITE_PREPARE => {
            let with_off = args.len() == 4;
            arg(2).and_then(|a| engine.prepare(with_off.then_some(a), if with_off { arg(3)? } else { a }))
        }
        op::WRITE => arg(2).and_then(|off| engine.write(off, buf)),
        op::WRITE_COMPLETE => return engine.complete().map_or_else(|e| e.errno() as isize, |()| 0),
        _ => return engine.min_prepare() as isize,
    };
    match result {
        Ok(()) if cmd == op::WRITE_PREPARE => engine.program_unit() as isize,
        Ok(()) => 0,
        Err(e) => {
            engine.fail();
            e.errno() as isize
        }
    }
}
