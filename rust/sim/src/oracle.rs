//! A checking harness for random call sequences (property tests and the
//! fuzz target): runs each call on the engine over a simulated device and
//! checks what the call was allowed to change.
//!
//! - Nothing illegal reaches the flash: no erase or program outside the
//!   segment, misaligned, or programming bits that are not erased (the
//!   simulator refuses and counts those).
//! - A call refused with -EINVAL changes nothing and performs no operation.
//! - An accepted prepare changes at most the old magic (zeroed, or on
//!   write-once flash the first sector erased) when it starts a deploy,
//!   and erases within an earlier prepared range it settles.
//! - An accepted write leaves its bytes (and the erased padding of its last
//!   unit) in flash, except the held header bytes; any other byte it
//!   changes was in a sector prepared before the call and is now erased.
//! - A failed write changes only bytes that were prepared.
//! - Op 5 changes only the header bytes, to the held ones when it returns 0.
//! - Ops 1, 2 and 6 change nothing.
//!
//! And for the block view ([`Harness::block`]):
//! - A call refused with -EINVAL changes nothing and performs no operation;
//!   so does a read, and an extended write that fails.
//! - After an accepted write, the segment as `readblocks` shows it (flash,
//!   with a held header over it) holds the written bytes.
//! - Writes and erases change bytes only in the blocks they address, and a
//!   commit (of an image completed in order, or at sync) only the header.
//! - After `ioctl(6, n)` returns 0, block `n` is erased.
#![forbid(unsafe_code)]

use std::format;
use std::string::String;
use std::vec::Vec;

use mp_romfs::bindings::mp_romfs_geometry_t;
#[cfg(feature = "blockdev")]
use mp_romfs::block;
use mp_romfs::engine::{Engine, State};
use mp_romfs::geometry::{Geometry, Segment};
use mp_romfs::ioctl::{op, route, run};

use crate::nor::{NorSim, Profile, SimSegment};

/// One segment of a simulated device, and its core state.
pub struct Harness {
    /// The simulated device.
    pub sim: NorSim<Vec<u8>>,
    raw: mp_romfs_geometry_t,
    /// The core's state of the segment.
    pub state: State,
    /// Device address of the segment.
    pub addr: u32,
    /// Length of the segment.
    pub len: u32,
}

impl Harness {
    /// The segment `addr..addr + len` of an erased device of `profile`
    /// whose first sector is at `base`; only the segment may change.
    pub fn new(profile: &'static Profile, base: u32, addr: u32, len: u32) -> Self {
        // Memory up to the segment's end is all a test reaches.
        let mem = std::vec![profile.erased; (addr + len - base) as usize];
        let sim = NorSim::new(profile, base, mem, (addr, addr + len));
        Harness { raw: sim.raw_geometry(), sim, state: State::new(), addr, len }
    }

    /// The segment's bytes.
    pub fn mem(&self) -> &[u8] {
        let start = (self.addr - self.raw.base) as usize;
        &self.sim.bytes()[start..start + self.len as usize]
    }

    /// Runs `vfs.rom_ioctl(*args)` (op 4's bytes in `buf`) and checks the
    /// rules above; returns what Python would get, or what was broken.
    ///
    /// # Errors
    /// A description of the rule the call broke.
    pub fn call(&mut self, args: &[isize], buf: &[u8]) -> Result<isize, String> {
        let seg = Segment::new(self.addr, self.len, Geometry::new(&self.raw, self.sim.profile().runs))
            .map_err(|e| format!("segment: {e:?}"))?;
        let unit = seg.geom.program_unit() as usize;
        let erased = seg.geom.erased();
        let hold = seg.hold_len() as usize;
        let before = self.mem().to_vec();
        let (lo, hi) = self.state.pending();
        let held = self.state.held_header().copied();
        let ops = self.sim.log.len();
        let ret = match route(args, 1) {
            (false, answer) => answer,
            (true, _) => {
                let mut flash = SimSegment::new(&mut self.sim, self.addr, self.len);
                run(&mut Engine::new(seg, &mut self.state, &mut flash), args, buf)
            }
        };
        if self.sim.stats.violations != 0 {
            return Err(format!("{args:?}: illegal flash operation {:?}", self.sim.log.last()));
        }
        let after = self.mem();
        // The offsets of the bytes the call changed (compared a KiB at a
        // time first: most of a segment does not change).
        let changes = || {
            before.chunks(1024).zip(after.chunks(1024)).enumerate().filter(|(_, (b, a))| b != a).flat_map(|(k, (b, a))| {
                b.iter().zip(a.iter()).enumerate().filter(|(_, (x, y))| x != y).map(move |(i, _)| k * 1024 + i)
            })
        };
        let prepared = |i: usize| (lo as usize..hi as usize).contains(&i);
        let cmd = args.first().copied().unwrap_or(0);
        if ret == -22 {
            if self.sim.log.len() != ops || before != after {
                return Err(format!("{args:?} was refused but touched flash"));
            }
            return Ok(ret);
        }
        match cmd {
            op::WRITE_PREPARE => {
                let first = seg.unit_at(0);
                let limit = if seg.geom.write_once() { first.size as usize } else { unit };
                // The old magic zeroed (or the first sector erased), and a
                // disjoint earlier prepared range settled (erased).
                let kill = |i: usize| i < limit && (after[i] == 0 || after[i] == erased);
                if let Some(i) = changes().find(|&i| !kill(i) && !(prepared(i) && after[i] == erased)) {
                    return Err(format!("{args:?}: a prepare changed byte {i}"));
                }
            }
            op::WRITE => {
                let off = args.get(2).copied().unwrap_or(0) as usize;
                let end = (off + buf.len()).next_multiple_of(unit);
                if ret == 0 {
                    for i in off.max(hold)..end {
                        let want = buf.get(i - off).copied().unwrap_or(erased);
                        if after[i] != want {
                            return Err(format!("{args:?}: byte {i} is {:#x}, written {want:#x}", after[i]));
                        }
                    }
                }
                let written = |i: usize| ret == 0 && (off..end).contains(&i) && i >= hold;
                if let Some(i) = changes().find(|&i| !written(i) && !(prepared(i) && after[i] == erased)) {
                    return Err(format!("{args:?} (returned {ret}) changed byte {i} outside what it wrote or prepared"));
                }
            }
            op::WRITE_COMPLETE => {
                if let Some(i) = changes().find(|&i| i >= hold) {
                    return Err(format!("op 5 changed byte {i}"));
                }
                if let (0, Some(h)) = (ret, held) {
                    if after[..hold] != h[..hold] {
                        return Err(format!("op 5 returned 0 but the header is {:x?}, held {:x?}", &after[..hold], &h[..hold]));
                    }
                }
            }
            _ => {
                if before != after {
                    return Err(format!("{args:?} changed flash"));
                }
            }
        }
        Ok(ret)
    }

    /// mpremote 1.29.0's deploy of `img`, every call checked: 4-arg
    /// prepares of up to 32 KiB rounded up to op 6 (or one 3-arg prepare),
    /// 4 KiB (or min write) chunks zero-padded, op 5.
    ///
    /// # Errors
    /// The rule a call broke.
    pub fn deploy(&mut self, img: &[u8]) -> Result<(), String> {
        let step = self.call(&[6, 0], &[])?;
        let size = self.len as usize;
        let step = if step <= 0 { size } else { step as usize };
        let mut unit = 0;
        if step < size {
            let mut off = 0;
            while off < img.len() {
                let n = (img.len() - off).min(32768).div_ceil(step) * step;
                unit = self.call(&[3, 0, off as isize, n as isize], &[])?;
                off += n;
            }
        } else {
            unit = self.call(&[3, 0, img.len() as isize], &[])?;
        }
        let chunk = 4096.max(unit.max(0) as usize);
        for off in (0..img.len()).step_by(chunk) {
            let mut buf = img[off..img.len().min(off + chunk)].to_vec();
            buf.resize(chunk, 0);
            self.call(&[4, 0, off as isize, 0], &buf)?;
        }
        self.call(&[5, 0], &[]).map(|_| ())
    }

    /// mpremote's deploy of `img` to a block device, every call checked:
    /// `ioctl(6, n)` for each block, then `writeblocks(n, chunk, offset)`
    /// in zero-padded chunks of min(4 KiB, block size).
    ///
    /// # Errors
    /// The rule a call broke.
    #[cfg(feature = "blockdev")]
    pub fn deploy_block(&mut self, img: &[u8]) -> Result<(), String> {
        let bs = self.block(&BlockCall::Ioctl(5, 0))? as usize;
        for off in (0..img.len()).step_by(bs) {
            self.block(&BlockCall::Ioctl(6, (off / bs) as isize))?;
        }
        let chunk = bs.min(4096);
        for off in (0..img.len()).step_by(chunk) {
            let mut buf = img[off..img.len().min(off + chunk)].to_vec();
            buf.resize(chunk, 0);
            self.block(&BlockCall::Write((off / bs) as isize, Some((off % bs) as isize), buf))?;
        }
        Ok(())
    }

    /// Runs one call of the block view and checks the block-view rules
    /// above; returns 0 or the negative errno (ioctl: its value).
    ///
    /// # Errors
    /// A description of the rule the call broke.
    #[cfg(feature = "blockdev")]
    pub fn block(&mut self, call: &BlockCall) -> Result<isize, String> {
        let seg = Segment::new(self.addr, self.len, Geometry::new(&self.raw, self.sim.profile().runs))
            .map_err(|e| format!("segment: {e:?}"))?;
        let hold = seg.hold_len() as usize;
        let erased = seg.geom.erased();
        let bs = match seg.min_prepare() {
            0 => self.len as usize,
            g => g as usize,
        };
        let before = self.mem().to_vec();
        let ops = self.sim.log.len();
        let errno = |r: mp_romfs::error::Result<()>| r.map_or_else(|e| e.errno() as isize, |()| 0);
        let ret = {
            let mut flash = SimSegment::new(&mut self.sim, self.addr, self.len);
            let mut engine = Engine::new(seg, &mut self.state, &mut flash);
            match call {
                BlockCall::Read(n, off, len) => errno(block::read(&engine, *n, *off, &mut std::vec![0; *len])),
                BlockCall::Write(n, off, data) => errno(block::write(&mut engine, *n, *off, data)),
                BlockCall::Ioctl(op, arg) => block::ioctl(&mut engine, *op, *arg),
            }
        };
        if self.sim.stats.violations != 0 {
            return Err(format!("{call:?}: illegal flash operation {:?}", self.sim.log.last()));
        }
        let held = self.state.held_header().copied();
        let after = self.mem();
        let unchanged = self.sim.log.len() == ops && before == after;
        // Byte `i` as readblocks shows it: flash, with the held header.
        let view = |i: usize| match held {
            Some(h) if i < hold => h[i],
            _ => after[i],
        };
        // The first byte the call changed outside `lo..hi` and the header
        // (compared a KiB at a time first: most of a segment does not change).
        let outside = |lo: usize, hi: usize| {
            before.chunks(1024).zip(after.chunks(1024)).enumerate().filter(|(_, (b, a))| b != a).find_map(|(k, (b, a))| {
                (0..b.len()).map(|i| k * 1024 + i).find(|&i| b[i % 1024] != a[i % 1024] && !(lo..hi).contains(&i) && i >= hold)
            })
        };
        if ret == -22 {
            return if unchanged { Ok(ret) } else { Err(format!("{call:?} was refused but touched flash")) };
        }
        let broken = match call {
            BlockCall::Read(..) => (!unchanged).then_some("a read touched flash"),
            BlockCall::Write(_, Some(_), _) if ret != 0 && !unchanged => Some("a failed extended write touched flash"),
            BlockCall::Write(n, off, data) => {
                let at = *n as usize * bs + off.unwrap_or(0) as usize;
                if ret == 0 && data.iter().enumerate().any(|(i, &d)| view(at + i) != d) {
                    Some("readblocks does not show the written bytes")
                } else {
                    outside(at - at % bs, (at + data.len()).next_multiple_of(bs)).map(|_| "a write changed bytes outside its blocks")
                }
            }
            BlockCall::Ioctl(6, n) => {
                let lo = *n as usize * bs;
                if ret == 0 && after[lo..lo + bs].iter().any(|&b| b != erased) {
                    Some("ioctl(6) returned 0 but the block is not erased")
                } else {
                    outside(lo, lo + bs).map(|_| "ioctl(6) changed bytes outside its block")
                }
            }
            BlockCall::Ioctl(..) => outside(0, 0).map(|_| "an ioctl changed bytes past the header"),
        };
        match broken {
            Some(what) => Err(format!("{call:?} (returned {ret}): {what}")),
            None => Ok(ret),
        }
    }
}

/// A call of the block view, for [`Harness::block`].
#[cfg(feature = "blockdev")]
#[derive(Debug)]
pub enum BlockCall {
    /// `readblocks(block, bytearray(len), offset)`.
    Read(isize, isize, usize),
    /// `writeblocks(block, data)` (offset `None`) or `writeblocks(block,
    /// data, offset)`.
    Write(isize, Option<isize>, Vec<u8>),
    /// `ioctl(op, arg)`.
    Ioctl(isize, isize),
}
