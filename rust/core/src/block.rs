//! The block-device view of a segment: `readblocks`, `writeblocks` (simple
//! and extended forms) and `ioctl` of MicroPython's block protocol
//! (`vfs.AbstractBlockDev`), over the segment's engine.
//!
//! - **Blocks** are op 6's granularity (every aligned block is whole
//!   sectors), or the whole segment when op 6 reports none.
//! - **`ioctl(6, block)` erases the block now**: the sectors that are not
//!   blank (with the largest block erase that fits), or on memory without
//!   erase the erased value is programmed.  It fails with `-EIO` if bytes
//!   of the block in a sector shared with flash outside the segment (never
//!   erased) are not blank; the rest of the block is erased all the same,
//!   so that a client writing only there (mpremote, whose images rarely
//!   reach that far) can go on.  Block 0 begins a deploy, as a prepare from
//!   offset 0 does.
//! - **`writeblocks(block, buf)`** erases the blocks it covers (skipping
//!   sectors whose new bytes program over the old ones), then programs.
//! - **`writeblocks(block, buf, offset)`** never erases: any offset and
//!   length; partial program units are completed with the bytes already
//!   there; every unit is checked before anything is programmed, and a
//!   unit that would need an erase is refused with `-EIO`.
//! - **A ROMFS image written from offset 0 commits itself.**  When a write
//!   at offset 0 brings the ROMFS magic over blank bytes (or a simple write
//!   does), the header is held in RAM, as in a `rom_ioctl` deploy, and
//!   programmed (length, then magic) once the image's bytes have all been
//!   written in order from 0, or at `ioctl(3)` (sync).  So mpremote, which
//!   never calls op 5 on this path, gets the same power-loss behaviour: the
//!   old image, no image, or the new one.  `readblocks` shows the held
//!   bytes; the buffer view shows flash as it is.
//! - A `rom_ioctl` prepare that is still pending is dropped by any call.
#![forbid(unsafe_code)]

use crate::engine::{Engine, Flash, HOLD_MAX};
use crate::error::{Error, Result};
use crate::rules::{has_magic, is_blank};

/// `mp_romfs_block` method: `readblocks` (C: `MP_ROMFS_READ`).
pub const READ_BLOCKS: u32 = 2;
/// `mp_romfs_block` method: `writeblocks` (C: `MP_ROMFS_WRITE`).
pub const WRITE_BLOCKS: u32 = 4;
/// Added to a read or write method: the extended form, with an offset
/// (C: `MP_ROMFS_AT`).
pub const AT: u32 = 1;
/// `mp_romfs_block` method: `ioctl` (C: `MP_ROMFS_IOCTL`).
pub const IOCTL: u32 = 8;
/// What [`ioctl`] returns for an op the protocol does not define; the shim
/// returns `None` (C: `MP_ROMFS_NONE`).
pub const NONE: isize = i32::MIN as isize;

/// The block size.
pub fn block_size<F: Flash>(engine: &Engine<'_, F>) -> u32 {
    match engine.min_prepare() {
        0 => engine.segment_len(),
        g => g,
    }
}

/// The segment offset of `offset` bytes into `block`, if `len` bytes from
/// there lie in the segment.
fn span<F: Flash>(engine: &Engine<'_, F>, block: isize, offset: isize, len: usize) -> Result<u32> {
    let bad = |_| Error::OutOfBounds;
    let (block, offset, len) =
        (u32::try_from(block).map_err(bad)?, u32::try_from(offset).map_err(bad)?, u32::try_from(len).map_err(bad)?);
    let at = block.checked_mul(block_size(engine)).and_then(|b| b.checked_add(offset));
    match at {
        Some(at) if at <= engine.segment_len() && len <= engine.segment_len() - at => Ok(at),
        _ => Err(Error::OutOfBounds),
    }
}

/// `readblocks(block, buf, offset)` (simple form: offset 0): the segment's
/// bytes, with the held header of a deploy in progress.
pub fn read<F: Flash>(engine: &Engine<'_, F>, block: isize, offset: isize, buf: &mut [u8]) -> Result<()> {
    let at = span(engine, block, offset, buf.len())? as usize;
    if let Some(src) = engine.mem().get(at..at + buf.len()) {
        buf.copy_from_slice(src);
    }
    if let Some(held) = engine.held() {
        for (b, &h) in buf.iter_mut().zip(held.iter().skip(at)) {
            *b = h;
        }
    }
    Ok(())
}

/// `writeblocks(block, buf)` (`offset` `None`: the simple form, whole
/// blocks, erasing them first) or `writeblocks(block, buf, offset)`.
pub fn write<F: Flash>(engine: &mut Engine<'_, F>, block: isize, offset: Option<isize>, data: &[u8]) -> Result<()> {
    engine.drop_pending();
    let at = span(engine, block, offset.unwrap_or(0), data.len())?;
    let end = at + data.len() as u32;
    if data.is_empty() {
        return Ok(());
    }
    let result = match offset {
        None => write_blocks(engine, at, data),
        Some(_) => write_at(engine, at, data),
    };
    match result {
        Ok(()) => engine.written(at, end),
        Err(e) => {
            engine.fail();
            Err(e)
        }
    }
}

fn write_blocks<F: Flash>(engine: &mut Engine<'_, F>, at: u32, data: &[u8]) -> Result<()> {
    let bs = block_size(engine);
    if !(data.len() as u32).is_multiple_of(bs) {
        return Err(Error::OutOfBounds);
    }
    engine.prepare(if engine.min_prepare() == 0 { None } else { Some(at) }, data.len() as u32)?;
    let hold = engine.held().is_some() || (at == 0 && has_magic(data));
    engine.write_with(at, data, hold)
}

/// The extended write: partial units at either end are completed with the
/// bytes there now (as [`read`] shows them), all checked, then written.
fn write_at<F: Flash>(engine: &mut Engine<'_, F>, at: u32, data: &[u8]) -> Result<()> {
    let unit = engine.program_unit();
    let u = unit as usize;
    let end = at + data.len() as u32;
    // A new image from offset 0 over blank bytes: hold its header.
    let starts = at == 0
        && has_magic(data)
        && engine.held().is_none()
        && engine.mem().get(..engine.hold_len() as usize).is_some_and(|h| is_blank(h, engine.erased()));
    if starts {
        engine.begin();
    }
    let hold = starts || engine.held().is_some();
    // Pieces: the unit holding `at` if `at` is inside it (with the end too
    // if the write ends in that unit), whole units, the unit holding `end`.
    let a0 = at & !(unit - 1);
    let b0 = if a0 == at { at } else { (a0 + unit).min(end) };
    let b1 = (end & !(unit - 1)).max(b0);
    let mut head = [0u8; HOLD_MAX];
    let mut tail = [0u8; HOLD_MAX];
    let u = u.min(HOLD_MAX);
    let head = merged(engine, head.split_at_mut(u).0, a0, at, data)?;
    let tail = merged(engine, tail.split_at_mut(u).0, b1, at, data)?;
    let body = data.get((b0 - at) as usize..(b1 - at) as usize).unwrap_or_default();
    let pieces = [(a0, if a0 < at { head } else { &[][..] }), (b0, body), (b1, if b1 < end { tail } else { &[][..] })];
    for &(off, bytes) in &pieces {
        engine.check(off, bytes)?;
    }
    for &(off, bytes) in pieces.iter().filter(|p| !p.1.is_empty()) {
        engine.write_with(off, bytes, hold)?;
    }
    Ok(())
}

/// The unit at `u0` as [`read`] shows it, with the bytes of `data` (which
/// go to offset `at`) that fall in it.
fn merged<'b, F: Flash>(engine: &Engine<'_, F>, unit: &'b mut [u8], u0: u32, at: u32, data: &[u8]) -> Result<&'b [u8]> {
    if u0 + unit.len() as u32 > engine.segment_len() {
        return Ok(&[]);
    }
    read(engine, 0, u0 as isize, unit)?;
    for (i, b) in unit.iter_mut().enumerate() {
        let pos = (u0 + i as u32).wrapping_sub(at) as usize;
        if let Some(&d) = data.get(pos) {
            *b = d;
        }
    }
    Ok(unit)
}

/// `ioctl(op, arg)`: 1 (init), 2 (deinit) 0; 3 (sync) commits a held
/// deploy; 4 the block count; 5 the block size; 6 erases block `arg`;
/// [`NONE`] for other ops.  Errors as negative errnos.
pub fn ioctl<F: Flash>(engine: &mut Engine<'_, F>, op: isize, arg: isize) -> isize {
    engine.drop_pending();
    let bs = block_size(engine);
    let result = match op {
        1 | 2 => Ok(()),
        3 if engine.held().is_some() => engine.complete(),
        3 => Ok(()),
        4 => return engine.segment_len().checked_div(bs).unwrap_or(0) as isize,
        5 => return bs as isize,
        6 => match span(engine, arg, 0, bs as usize) {
            Ok(at) => {
                let r = engine.erase_now(if engine.min_prepare() == 0 { None } else { Some(at) }, bs);
                if r.is_err() {
                    engine.fail();
                }
                r
            }
            Err(e) => Err(e),
        },
        _ => return NONE,
    };
    result.map_or_else(|e| e.errno() as isize, |()| 0)
}
