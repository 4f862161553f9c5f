//! The reference model: what every call of `vfs.rom_ioctl` and of the block
//! view returns, and what the segment holds afterwards, written as plainly
//! as the semantics read (`rust/core/src/engine.rs`, `block.rs`,
//! `README.md`): bytes in a `Vec`, sectors in a list, no unit walks, no
//! early exits for speed.  [`crate::check::Checked`] runs every call on the
//! core and on this model and requires the same return value and the same
//! bytes.
//!
//! It follows the features of this build (`deferred`, `sector-table`,
//! `block-erase`, `write-once`, `no-erase`, `rewrite-skip`), as the core
//! does.  Flash operations are not modelled one by one: the model predicts
//! their effect (erased sectors, programmed bytes); [`crate::check`] checks
//! their number and duration against the latency bound.

use std::vec::Vec;

use mp_romfs::bindings::{MP_ROMFS_NO_ERASE, MP_ROMFS_WRITE_ONCE};

use crate::nor::Profile;

const EINVAL: isize = -22;
const EIO: isize = -5;
/// What the block view's `ioctl` returns for an op it does not define.
pub const NONE: isize = i32::MIN as isize;
const MAGIC: [u8; 3] = [0xd2, 0xcd, 0x31];

/// The model of one segment: its bytes and the core's state.
#[derive(Clone, Debug)]
pub struct Model {
    /// The segment's bytes.
    pub flash: Vec<u8>,
    /// The device's sectors: (device address, size).
    sectors: Vec<(u32, u32)>,
    addr: u32,
    len: u32,
    unit: u32,
    erased: u8,
    write_once: bool,
    no_erase: bool,
    block_mask: u32,
    /// Prepared, not yet settled sectors (segment offsets; empty if lo >= hi).
    pending: (u32, u32),
    reach: u32,
    next: u32,
    /// The deploy's header: its first 32 bytes as written (erased where
    /// none wrote), of which the units holding the magic are held back.
    held: Option<[u8; 32]>,
    failed: bool,
}

/// Whether the op fails (an errno) or gives a value.
type R<T> = Result<T, isize>;

impl Model {
    /// The segment `addr..addr + len` of a device of `profile` at `base`,
    /// holding `flash`.
    pub fn new(profile: &Profile, base: u32, addr: u32, len: u32, flash: &[u8]) -> Model {
        let mut sectors = Vec::new();
        let mut start = base;
        for run in profile.runs {
            for _ in 0..run.count {
                sectors.push((start, 1 << run.size_log2));
                start += 1 << run.size_log2;
            }
        }
        let flags = u32::from(profile.flags);
        Model {
            flash: flash.to_vec(),
            sectors,
            addr,
            len,
            unit: 1 << profile.program_log2,
            erased: profile.erased,
            write_once: cfg!(feature = "write-once") && flags & MP_ROMFS_WRITE_ONCE != 0,
            no_erase: cfg!(feature = "no-erase") && flags & MP_ROMFS_NO_ERASE != 0,
            block_mask: if cfg!(feature = "block-erase") { profile.block_erase_log2_mask } else { 0 },
            pending: (0, 0),
            reach: 0,
            next: 0,
            held: None,
            failed: false,
        }
    }

    /// Takes the core's state over (after a call whose effect the model does
    /// not predict: an interrupted one).
    pub fn resync(&mut self, flash: &[u8], state: &mp_romfs::engine::State) {
        self.flash = flash.to_vec();
        self.pending = state.pending();
        self.failed = state.failed();
        self.held = state.held_header().copied();
        (self.reach, self.next) = state.progress();
    }

    /// Forgets the state (a reset).
    pub fn reboot(&mut self) {
        self.pending = (0, 0);
        self.reach = 0;
        self.next = 0;
        self.held = None;
        self.failed = false;
    }

    fn hold_len(&self) -> u32 {
        3u32.next_multiple_of(self.unit)
    }

    /// The end of the image the deploy's header bytes give (0: none held).
    fn image_end(&self) -> u32 {
        self.held.as_ref().map_or(0, |h| image_len(h).unwrap_or(0))
    }

    /// The sector holding device address `a`, if any.
    fn sector(&self, a: u32) -> Option<(u32, u32)> {
        self.sectors.iter().copied().find(|&(s, n)| s <= a && a - s < n)
    }

    fn inside(&self, (s, n): (u32, u32)) -> bool {
        s >= self.addr && s + n <= self.addr + self.len
    }

    /// Op 6.
    pub fn min_prepare(&self) -> u32 {
        let mut g = self.unit;
        for &(s, n) in &self.sectors {
            if s < self.addr + self.len && s + n > self.addr {
                g = g.max(n);
            }
        }
        if !self.len.is_multiple_of(g) {
            return 0;
        }
        let boundary = |a: u32| self.sector(a).is_none_or(|(s, _)| s == a);
        if (0..=self.len / g).all(|k| boundary(self.addr + k * g)) {
            g
        } else {
            0
        }
    }

    /// `vfs.rom_ioctl(*args)` (op 4's buffer in `buf`) on segment 0 of a
    /// one-segment table.
    pub fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> isize {
        let arity = match args.first() {
            Some(1) => args.len() == 1,
            Some(2 | 5 | 6) => args.len() == 2,
            Some(3) => args.len() == 3 || args.len() == 4,
            Some(4) => args.len() == 4,
            _ => false,
        };
        if !arity || (args[0] != 1 && args[1] != 0) {
            return EINVAL;
        }
        let word = |i: usize| u32::try_from(args[i]).map_err(|_| EINVAL);
        let result = match args[0] {
            1 => return 1,
            2 => return 0,
            6 => return self.min_prepare() as isize,
            5 => return self.complete().map_or_else(|e| e, |()| 0),
            3 if args.len() == 3 => word(2).and_then(|len| self.prepare(None, len)).map(|()| self.unit as isize),
            3 => word(2).and_then(|off| self.prepare(Some(off), word(3)?)).map(|()| self.unit as isize),
            _ => word(2).and_then(|off| self.write(off, buf, true)).map(|()| 0),
        };
        result.unwrap_or_else(|e| {
            self.failed = true;
            e
        })
    }

    fn prepare(&mut self, off: Option<u32>, len: u32) -> R<()> {
        let at = off.unwrap_or(0);
        if u64::from(at) + u64::from(len) > u64::from(self.len) {
            return Err(EINVAL);
        }
        if off.is_some() {
            let g = self.min_prepare();
            if g == 0 || !at.is_multiple_of(g) || !len.is_multiple_of(g) {
                return Err(EINVAL);
            }
        }
        if at == 0 {
            self.reboot();
            if self.flash[..3] == MAGIC {
                if self.write_once {
                    let first = self.sector(self.addr).filter(|&s| self.inside(s)).ok_or(EIO)?;
                    self.erase(0, first.1);
                } else {
                    self.flash[..self.unit as usize].fill(0);
                }
            }
        }
        if len == 0 || self.no_erase {
            return Ok(());
        }
        // The whole sectors of the range inside the segment.
        let (first, last) = (self.sector(self.addr + at).unwrap(), self.sector(self.addr + at + len - 1).unwrap());
        let lo = if self.inside(first) { first.0 } else { first.0 + first.1 }.saturating_sub(self.addr).min(self.len);
        let hi = if self.inside(last) { last.0 + last.1 } else { last.0 }.saturating_sub(self.addr).min(self.len);
        if lo >= hi {
            return Ok(());
        }
        let (plo, phi) = self.pending;
        self.pending = if cfg!(feature = "deferred") && plo < phi && lo <= phi && hi >= plo {
            (plo.min(lo), phi.max(hi))
        } else {
            (lo, hi)
        };
        if !cfg!(feature = "deferred") {
            self.settle(None, 0, hi);
        }
        Ok(())
    }

    /// The bytes of a write of `data` at `off`, padded with the erased
    /// value to whole program units.
    fn padded(&self, off: u32, data: &[u8]) -> Vec<u8> {
        let mut w = data.to_vec();
        w.resize(((off as usize + data.len()).next_multiple_of(self.unit as usize)) - off as usize, self.erased);
        w
    }

    /// Whether the unit at `u` can take `new` (its bytes) as flash is now.
    fn fits(&self, u: u32, new: &[u8]) -> bool {
        let cur = &self.flash[u as usize..u as usize + new.len()];
        let e = self.erased;
        cur == new
            || self.no_erase
            || if self.write_once {
                cur.iter().all(|&c| c == e)
            } else {
                cur.iter().zip(new).all(|(&c, &n)| (c ^ e) & (c ^ n) == 0)
            }
    }

    /// Whether every unit of `w` (at `off`) in `a..b` fits.
    fn all_fit(&self, off: u32, w: &[u8], a: u32, b: u32) -> bool {
        (a..b).step_by(self.unit as usize).all(|u| {
            let i = (u - off) as usize;
            self.fits(u, &w[i..i + self.unit as usize])
        })
    }

    fn write(&mut self, off: u32, data: &[u8], hold: bool) -> R<()> {
        if u64::from(off) + data.len() as u64 > u64::from(self.len) {
            return Err(EINVAL);
        }
        if !off.is_multiple_of(self.unit) {
            return Err(EINVAL);
        }
        if data.is_empty() {
            return Ok(());
        }
        let w = self.padded(off, data);
        let end = off + w.len() as u32;
        let (mut lo, hi) = self.pending;
        if cfg!(feature = "deferred") {
            // Pending sectors wholly before the write keep their bytes.
            let start = self.sector(self.addr + off).unwrap().0.saturating_sub(self.addr);
            lo = lo.max(start);
        }
        let pending = cfg!(feature = "deferred") && lo < hi;
        let (a, b) = if pending { (lo.clamp(off, end), hi.clamp(off, end)) } else { (end, end) };
        if !self.all_fit(off, &w, off, a) || !self.all_fit(off, &w, b, end) {
            return Err(EIO);
        }
        if cfg!(feature = "deferred") {
            self.pending.0 = lo;
            self.settle(Some(&w), off, end);
        }
        let from = if hold { self.hold_len().min(end) } else { off };
        if off < from || (self.held.is_some() && off < 32) {
            if self.held.is_none() {
                // A header held from now on: the block view's in-order
                // count starts again.
                self.held = Some([self.erased; 32]);
                self.next = 0;
            }
            // The write's own bytes (its padding programs nothing).
            let held = self.held.as_mut().unwrap();
            for i in off..32.min(off + data.len() as u32) {
                held[i as usize] = data[(i - off) as usize];
            }
        }
        for i in from.max(off)..end {
            self.flash[i as usize] = w[(i - off) as usize];
        }
        self.reach = self.reach.max(off + data.len() as u32);
        Ok(())
    }

    /// Settles pending sectors that start before `until`, for the write `w`
    /// at `off` (`None`: an erase).
    fn settle(&mut self, w: Option<&[u8]>, off: u32, until: u32) {
        while self.pending.0 < self.pending.1 && self.pending.0 < until {
            let a = self.pending.0;
            let (start, n) = self.sector(self.addr + a).unwrap();
            let b = a + n;
            let blank = self.flash[a as usize..b as usize].iter().all(|&x| x == self.erased);
            let covered = w.is_some_and(|w| off <= a && b <= off + w.len() as u32);
            let skip = cfg!(feature = "rewrite-skip") && covered && self.all_fit(off, w.unwrap(), a, b);
            let mut size = n;
            if !blank && !skip {
                let from = if a == 0 { self.hold_len() } else { a };
                let same =
                    covered && (from..b).all(|i| w.is_some_and(|w| self.flash[i as usize] == w[(i - off) as usize]));
                if cfg!(feature = "block-erase") && !same {
                    // The largest block that starts here and stays pending.
                    let mut block = n;
                    while block < 1 << 31 {
                        block <<= 1;
                        if start % block != 0 || block > self.pending.1 - a {
                            break;
                        }
                        if self.block_mask & block != 0 {
                            size = block;
                        }
                    }
                }
                self.erase(a, size);
            }
            self.pending.0 = a + size;
        }
    }

    fn erase(&mut self, at: u32, size: u32) {
        self.flash[at as usize..(at + size) as usize].fill(self.erased);
    }

    fn complete(&mut self) -> R<()> {
        let end = self.image_end();
        let (failed, reach, held) = (self.failed, self.reach, self.held.take());
        self.reboot();
        if failed {
            return Err(EIO);
        }
        let Some(held) = held else { return Ok(()) };
        let n = self.hold_len() as usize;
        if reach < end || !self.all_fit(0, &held, 0, n as u32) {
            return Err(EIO);
        }
        self.flash[..n].copy_from_slice(&held[..n]);
        Ok(())
    }

    /// The block size of the block view.
    #[cfg(feature = "blockdev")]
    fn block_size(&self) -> u32 {
        match self.min_prepare() {
            0 => self.len,
            g => g,
        }
    }

    #[cfg(feature = "blockdev")]
    fn span(&self, block: isize, offset: isize, len: usize) -> R<u32> {
        let (Ok(block), Ok(offset)) = (u64::try_from(block), u64::try_from(offset)) else { return Err(EINVAL) };
        let at = block * u64::from(self.block_size()) + offset;
        if block > u64::from(u32::MAX) || offset > u64::from(u32::MAX) || at + len as u64 > u64::from(self.len) {
            return Err(EINVAL);
        }
        Ok(at as u32)
    }

    /// Block view: `readblocks(block, bytearray(len), offset)`: the bytes or
    /// the errno.
    #[cfg(feature = "blockdev")]
    pub fn readblocks(&mut self, block: isize, offset: isize, len: usize) -> R<Vec<u8>> {
        let at = self.span(block, offset, len)? as usize;
        Ok(self.view(at, len))
    }

    /// The segment as `readblocks` shows it: flash with a held header.
    #[cfg(feature = "blockdev")]
    fn view(&self, at: usize, len: usize) -> Vec<u8> {
        let mut v = self.flash[at..at + len].to_vec();
        if let Some(h) = &self.held {
            for (i, b) in v.iter_mut().enumerate() {
                if let Some(&x) = h[..self.hold_len() as usize].get(at + i) {
                    *b = x;
                }
            }
        }
        v
    }

    /// Block view: `ioctl(op, arg)`.
    #[cfg(feature = "blockdev")]
    pub fn block_ioctl(&mut self, op: isize, arg: isize) -> isize {
        self.pending = (0, 0);
        let bs = self.block_size();
        let result = match op {
            1 | 2 => Ok(()),
            3 if self.held.is_some() => self.complete(),
            3 => Ok(()),
            4 => return (self.len / bs) as isize,
            5 => return bs as isize,
            6 => match self.span(arg, 0, bs as usize) {
                Ok(at) => {
                    let r = self.erase_now(if self.min_prepare() == 0 { None } else { Some(at) }, bs);
                    if r.is_err() {
                        self.failed = true;
                    }
                    r
                }
                Err(e) => Err(e),
            },
            _ => return NONE,
        };
        result.map_or_else(|e| e, |()| 0)
    }

    #[cfg(feature = "blockdev")]
    fn erase_now(&mut self, off: Option<u32>, len: u32) -> R<()> {
        self.prepare(off, len)?;
        let hi = self.pending.1;
        self.settle(None, 0, hi);
        let at = off.unwrap_or(0) as usize;
        if self.no_erase {
            self.flash[at..at + len as usize].fill(self.erased);
        }
        if self.flash[at..at + len as usize].iter().all(|&b| b == self.erased) {
            Ok(())
        } else {
            Err(EIO)
        }
    }

    /// Block view: `writeblocks(block, data)` (`offset` `None`) or
    /// `writeblocks(block, data, offset)`: 0 or the errno.
    #[cfg(feature = "blockdev")]
    pub fn writeblocks(&mut self, block: isize, data: &[u8], offset: Option<isize>) -> isize {
        self.pending = (0, 0);
        let at = match self.span(block, offset.unwrap_or(0), data.len()) {
            Ok(at) => at,
            Err(e) => return e,
        };
        if data.is_empty() {
            return 0;
        }
        let result = match offset {
            None => self.write_blocks(at, data),
            Some(_) => self.write_at(at, data),
        };
        match result.and_then(|()| self.written(at, at + data.len() as u32)) {
            Ok(()) => 0,
            Err(e) => {
                if result.is_err() {
                    self.failed = true;
                }
                e
            }
        }
    }

    #[cfg(feature = "blockdev")]
    fn write_blocks(&mut self, at: u32, data: &[u8]) -> R<()> {
        if !(data.len() as u32).is_multiple_of(self.block_size()) {
            return Err(EINVAL);
        }
        self.prepare(if self.min_prepare() == 0 { None } else { Some(at) }, data.len() as u32)?;
        let hold = self.held.is_some() || (at == 0 && data.get(..3) == Some(&MAGIC));
        self.write(at, data, hold)
    }

    #[cfg(feature = "blockdev")]
    fn write_at(&mut self, at: u32, data: &[u8]) -> R<()> {
        let u = self.unit;
        let end = at + data.len() as u32;
        let starts = at == 0
            && data.get(..3) == Some(&MAGIC)
            && self.held.is_none()
            && self.flash[..self.hold_len() as usize].iter().all(|&b| b == self.erased);
        if starts {
            self.failed = false;
        }
        let hold = starts || self.held.is_some();
        // The units the write touches, completed with the bytes readblocks
        // shows, as three pieces: a partial first unit, whole units, a
        // partial last unit.
        let a0 = at / u * u;
        let b0 = if a0 == at { at } else { (a0 + u).min(end) };
        let b1 = (end / u * u).max(b0);
        let merged = |m: &Model, u0: u32| -> Vec<u8> {
            if u0 + u > m.len {
                return Vec::new();
            }
            let mut v = m.view(u0 as usize, u as usize);
            for (i, b) in v.iter_mut().enumerate() {
                let pos = u0 + i as u32;
                if pos >= at && pos < end {
                    *b = data[(pos - at) as usize];
                }
            }
            v
        };
        let head = if a0 < at { merged(self, a0) } else { Vec::new() };
        let tail = if b1 < end { merged(self, b1) } else { Vec::new() };
        let body = data[(b0 - at) as usize..(b1 - at) as usize].to_vec();
        let pieces = [(a0, head), (b0, body), (b1, tail)];
        if !pieces.iter().all(|(o, p)| self.all_fit(*o, p, *o, *o + p.len() as u32)) {
            return Err(EIO);
        }
        for (o, p) in pieces {
            if !p.is_empty() {
                self.write(o, &p, hold)?;
            }
        }
        Ok(())
    }

    #[cfg(feature = "blockdev")]
    fn written(&mut self, off: u32, end: u32) -> R<()> {
        if self.held.is_none() || self.failed {
            return Ok(());
        }
        if off <= self.next {
            self.next = self.next.max(end);
        }
        match self.image_end() {
            n if n != 0 && self.next >= n => self.complete(),
            _ => Ok(()),
        }
    }
}

/// The length of the image whose first bytes are `head`, if they hold the
/// magic and a whole length record.
fn image_len(head: &[u8]) -> Option<u32> {
    if head.get(..3)? != MAGIC {
        return None;
    }
    // A length past 32 bits wraps, as in the core (no segment holds one).
    let mut len: u32 = 0;
    for (i, &b) in head.iter().enumerate().skip(3) {
        len = len << 7 | u32::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some(len.wrapping_add(i as u32 + 1));
        }
    }
    None
}
