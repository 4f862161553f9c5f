//! The state machine behind ops 3 (prepare), 4 (write) and 5 (complete) for
//! one segment.
//!
//! # Semantics
//! - **Prepare is deferred.**  `prepare` only records the range as pending;
//!   each pending sector is settled when the first write reaches it: kept if
//!   it is blank or the write covers it with bytes that program over the
//!   current ones (an unchanged re-deploy erases almost nothing), erased
//!   otherwise, with the largest worthwhile block erase.  So no call takes
//!   longer than about one erase plus one write, whatever the prepared
//!   length.  Pending sectors that are never written keep their old bytes.
//!   A prepare that is neither adjacent to nor overlapping the pending
//!   range first settles the old range (erasing what is not blank), and so
//!   does a write that skips ahead inside it.
//! - **A deploy starts by killing the old header.**  A prepare that starts
//!   at offset 0 begins a deploy: if the segment holds a ROMFS magic, it is
//!   programmed to zeros there and then (one small program operation; on
//!   write-once flash the first sector is erased instead).  From then on no
//!   old image can mount, and an erase of that sector cut short leaves
//!   zeros or erased bytes, never a magic.
//! - **The new header is committed last.**  The first `hold_len()` bytes of
//!   the segment (the new magic and length) are kept in RAM and programmed
//!   by op 5: the length first, then the program unit holding the magic.  If any prepare or write of the deploy failed or was refused,
//!   op 5 drops the header and returns `-EIO`.
//! - **Writes are all or nothing for bad targets.**  A write whose bytes
//!   outside the pending range cannot be programmed (not erased, and not
//!   prepared) is refused before anything changes.
//!
//! # Power loss
//! After a cut at any point of a deploy (prepare from offset 0, writes,
//! op 5), the segment holds the old image unchanged, no valid header, or
//! the complete new image.  Writes outside a deploy (without a prepare at
//! offset 0) change bytes under whatever header is there, as upstream's do.
#![forbid(unsafe_code)]

use crate::error::{Error, Result};
use crate::geometry::{Segment, HEADER_HOLD_MIN};
use crate::plan::{has_magic, image_len, is_blank, Rules, Unit};

/// What the core needs from one segment's flash: a read view and one
/// operation per call.
///
/// The core does not use `embedded-storage`'s `NorFlash` here: its erase
/// size and program unit are per-type constants, while ROM segments have
/// runtime sector tables with several sizes (STM32F7: 32K/128K/256K) and
/// several erase operations per address (SPI NOR: 4K/32K/64K); and its
/// `read` copies, while the core compares in place through the memory map.
pub trait Flash {
    /// The segment's bytes as the CPU reads them (memory-mapped).
    fn mem(&self) -> &[u8];
    /// Erase `size` bytes at segment offset `off`: exactly one erase
    /// operation of the geometry, wholly inside the segment.
    ///
    /// # Errors
    /// [`Error::Io`] if the driver fails.
    fn erase(&mut self, off: u32, size: u32) -> Result<()>;
    /// Program `src` (whole program units) at segment offset `off`.
    ///
    /// # Errors
    /// [`Error::Io`] if the driver fails.
    fn program(&mut self, off: u32, src: &[u8]) -> Result<()>;
    /// Lets the port service events between flash operations.
    fn poll(&mut self);
    /// Cache maintenance once a deploy is complete (op 5).
    fn sync(&mut self);
}

impl<F: Flash + ?Sized> Flash for &mut F {
    fn mem(&self) -> &[u8] {
        (**self).mem()
    }
    fn erase(&mut self, off: u32, size: u32) -> Result<()> {
        (**self).erase(off, size)
    }
    fn program(&mut self, off: u32, src: &[u8]) -> Result<()> {
        (**self).program(off, src)
    }
    fn poll(&mut self) {
        (**self).poll()
    }
    fn sync(&mut self) {
        (**self).sync()
    }
}

const HELD: u32 = 1;
const POISONED: u32 = 2;

/// The largest held header (the largest program unit).
pub const HOLD_MAX: usize = 32;

/// RAM state of one segment: four words and the held header (48 bytes).
///
/// Zero-initialised is the idle state.  Owned by the port (one per segment);
/// only the core reads or writes it.
#[repr(C)]
#[derive(Clone, Debug, Default)]
pub struct State {
    /// Start of the pending range (segment offset): sectors from here to
    /// `hi` are prepared but not yet settled.
    lo: u32,
    /// End of the pending range.
    hi: u32,
    /// HELD, POISONED.
    flags: u32,
    /// Block view: the end of the bytes written in order from offset 0
    /// since the header was held.
    next: u32,
    /// The held first bytes of the new image.
    hold: [u8; HOLD_MAX],
}

impl State {
    /// The idle state (all zero).
    pub const fn new() -> Self {
        State { lo: 0, hi: 0, flags: 0, next: 0, hold: [0; HOLD_MAX] }
    }

    /// The pending range `(lo, hi)` in segment offsets (empty if lo >= hi).
    pub fn pending(&self) -> (u32, u32) {
        (self.lo, self.hi)
    }

    /// The held header, if a deploy is under way.
    pub fn held_header(&self) -> Option<&[u8; HOLD_MAX]> {
        (self.flags & HELD != 0).then_some(&self.hold)
    }
}

const ZEROS: [u8; HOLD_MAX] = [0; HOLD_MAX];

/// Ops 3-6 on one segment.
// The field order is fixed (repr(C)): the one that gave the smallest
// code on the firmware targets.
#[repr(C)]
pub struct Engine<'a, F: Flash> {
    seg: Segment<'a>,
    io: Io<F>,
    st: &'a mut State,
}

/// The flash with its rules: what walks, programs and erases need (apart
/// from the state, so that op 5 can program the held header in place).
struct Io<F: Flash> {
    flash: F,
    rules: Rules,
}

impl<'a, F: Flash> Engine<'a, F> {
    /// The engine of `seg`, whose state is `st`, over `flash`.
    pub fn new(seg: Segment<'a>, st: &'a mut State, flash: F) -> Self {
        let rules = Rules::of(&seg);
        Engine { seg, st, io: Io { flash, rules } }
    }

    /// The flash (for tests and benchmarks).
    pub fn flash(&self) -> &F {
        &self.io.flash
    }

    /// Op 6: the granularity of the 4-arg prepare, or 0 if only the 3-arg
    /// form is offered.
    pub fn min_prepare(&self) -> u32 {
        self.seg.min_prepare()
    }

    /// [`Segment::hold_len`], from the unit already at hand.
    pub fn hold_len(&self) -> u32 {
        self.io.rules.unit.max(HEADER_HOLD_MIN)
    }

    /// Marks the deploy as failed: op 5 will not commit its header.
    pub fn poison(&mut self) {
        self.st.flags |= POISONED;
    }

    /// The program unit: the minimum write size that op 3 returns.
    pub fn program_unit(&self) -> u32 {
        self.io.rules.unit
    }

    /// Op 3: prepare `len` bytes at `off` (`None`: the 3-arg form, from 0)
    /// for writing (op 3 then returns [`Engine::program_unit`]).  A prepare
    /// starting at offset 0 begins a new deploy: it makes the old image
    /// unmountable by zeroing its magic, or on write-once flash (where a
    /// programmed unit cannot be programmed again) by erasing the first
    /// sector, which must lie in the segment.
    ///
    /// # Errors
    /// [`Error::OutOfBounds`] past the end, [`Error::NotAligned`] for a
    /// 4-arg prepare not aligned to [`Engine::min_prepare`]; both change
    /// nothing.  Flash errors of killing the old header, and
    /// [`Error::NotErased`]/[`Error::Io`] if settling an earlier disjoint
    /// pending range fails.
    pub fn prepare(&mut self, off: Option<u32>, len: u32) -> Result<()> {
        let at = off.unwrap_or(0);
        if len > self.seg.len || at > self.seg.len - len {
            return Err(Error::OutOfBounds);
        }
        if off.is_some() {
            let g = self.seg.min_prepare();
            if g == 0 || (at | len) & (g - 1) != 0 {
                return Err(Error::NotAligned);
            }
        }
        if at == 0 {
            self.st.flags = 0;
            if has_magic(self.io.flash.mem()) {
                if self.io.rules.writes_once() {
                    let first = self.seg.unit_at(0);
                    if !self.seg.contains(first) {
                        return Err(Error::NotErased);
                    }
                    self.io.erase(0, first.size)?;
                } else {
                    self.io.program_raw(0, ZEROS.split_at(self.io.rules.unit.min(HOLD_MAX as u32) as usize).0)?;
                }
            }
        }
        if len == 0 || self.io.rules.erase_free() {
            return Ok(());
        }
        // Both ends lie in sectors (`Segment::new`).  Only whole sectors
        // inside the segment are ever erased, so a sector straddling an edge
        // of the segment is not prepared: writes into it must program over
        // what is there.
        let (first, last) = (self.seg.unit_at(at), self.seg.unit_at(at + len - 1));
        let lo = self.seg.clip(if self.seg.contains(first) { first.start } else { first.end() });
        let hi = self.seg.clip(if self.seg.contains(last) { last.end() } else { last.start });
        if lo >= hi {
            return Ok(());
        }
        let (plo, phi) = (self.st.lo, self.st.hi);
        let (lo, hi) = if plo >= phi {
            (lo, hi)
        } else if lo <= phi && hi >= plo {
            (plo.min(lo), phi.max(hi))
        } else {
            // Disjoint from the pending range: settle that one first.
            self.settle(phi, 0, &[])?;
            (lo, hi)
        };
        (self.st.lo, self.st.hi) = (lo, hi);
        Ok(())
    }

    /// Op 4: program `data` at `off`.  A last partial program unit is padded
    /// with the erased value; bytes are verified after programming.
    ///
    /// # Errors
    /// [`Error::OutOfBounds`]/[`Error::NotAligned`] change nothing, nor does
    /// [`Error::NotErased`] for bytes that were neither prepared nor
    /// programmable.  [`Error::Verify`]/[`Error::Io`] on flash failure.
    pub fn write(&mut self, off: u32, data: &[u8]) -> Result<()> {
        self.write_with(off, data, true)
    }

    /// [`Engine::write`]; `hold`: whether bytes of the header are held for
    /// op 5 (else they are programmed like the others).
    pub fn write_with(&mut self, off: u32, data: &[u8], hold: bool) -> Result<()> {
        let unit = self.io.rules.unit;
        let n = data.len();
        if off > self.seg.len || n > (self.seg.len - off) as usize {
            return Err(Error::OutOfBounds);
        }
        if off & (unit - 1) != 0 {
            return Err(Error::NotAligned);
        }
        let whole = n & !(unit as usize - 1);
        let (body, rest) = data.split_at(whole.min(n));
        let mut tail = [self.io.rules.erased; HOLD_MAX];
        for (t, &b) in tail.iter_mut().zip(rest) {
            *t = b;
        }
        let tail = tail.split_at(unit.min(HOLD_MAX as u32) as usize).0;
        let at = off + whole as u32;
        // The padded tail is checked before the body programs anything
        // (unless it is pending, where settling makes it programmable).
        if !(rest.is_empty() || self.st.lo <= at && at < self.st.hi) {
            self.io.apply(at, tail, false)?;
        }
        self.write_units(off, body, hold)?;
        if rest.is_empty() {
            return Ok(());
        }
        self.write_units(at, tail, hold)
    }

    /// Writes whole program units: settles the pending sectors they reach,
    /// checks every unit, then programs the ones that differ.
    fn write_units(&mut self, off: u32, new: &[u8], hold: bool) -> Result<()> {
        let end = off + new.len() as u32;
        // Bytes outside the pending range must be programmable as they are:
        // check before anything changes.
        let (lo, hi) = (self.st.lo.max(off), self.st.hi.min(end));
        let (lo, hi) = if lo < hi { (lo, hi) } else { (end, end) };
        if let Some(before) = new.get(..(lo - off) as usize) {
            self.io.apply(off, before, false)?;
        }
        if let Some(after) = new.get((hi - off) as usize..) {
            self.io.apply(hi, after, false)?;
        }
        // The header bytes are held for op 5.
        let hold_len = if hold { self.hold_len() } else { 0 };
        if off < hold_len {
            if self.st.flags & HELD == 0 {
                self.st.hold = [self.io.rules.erased; HOLD_MAX];
                self.st.flags |= HELD;
                self.st.next = 0;
            }
            for (h, &b) in self.st.hold.iter_mut().skip(off as usize).zip(new) {
                *h = b;
            }
        }
        if lo < hi {
            self.settle(end, off, new)?;
        }
        let from = off.max(hold_len);
        match new.get((from - off) as usize..) {
            Some(rest) => self.io.apply(from, rest, true),
            None => Ok(()),
        }
    }

    /// Op 5: commit the held header (unless the deploy failed); then cache
    /// maintenance.
    ///
    /// # Errors
    /// [`Error::Incomplete`] if a prepare or write of this deploy failed
    /// (the new image is left unmountable); flash errors of the commit.
    pub fn complete(&mut self) -> Result<()> {
        let flags = self.st.flags;
        self.st.flags = 0;
        let result = if flags & POISONED != 0 {
            Err(Error::Incomplete)
        } else if flags & HELD != 0 {
            // The length first, the unit holding the magic last: a commit
            // cut short never shows the magic over an incomplete length.
            let unit = self.io.rules.unit as usize;
            let hold = self.st.hold.split_at(self.hold_len().min(HOLD_MAX as u32) as usize).0;
            let (magic, length) = hold.split_at(((3 + unit - 1) & !(unit - 1)).min(hold.len()));
            self.io.apply(magic.len() as u32, length, true).and_then(|()| self.io.apply(0, magic, true))
        } else {
            Ok(())
        };
        self.io.flash.sync();
        result
    }

    /// Segment length in bytes.
    pub fn segment_len(&self) -> u32 {
        self.seg.len
    }

    /// Value of an erased byte.
    pub fn erased(&self) -> u8 {
        self.io.rules.erased
    }

    /// The segment's bytes (memory-mapped).
    pub fn mem(&self) -> &[u8] {
        self.io.flash.mem()
    }

    /// The held header bytes while a deploy holds them.
    pub fn held(&self) -> Option<&[u8]> {
        (self.st.flags & HELD != 0).then(|| self.st.hold.split_at(self.hold_len().min(HOLD_MAX as u32) as usize).0)
    }

    /// Begins a deploy without a prepare (the block view's write of a new
    /// header over blank bytes): clears the failure and held state.
    pub fn begin(&mut self) {
        self.st.flags = 0;
    }

    /// Forgets the pending range: nothing prepared is erased later.
    pub fn drop_pending(&mut self) {
        (self.st.lo, self.st.hi) = (0, 0);
    }

    /// Whether `new` (whole units) can be programmed at `off` as flash is
    /// now, without an erase.
    pub fn check(&mut self, off: u32, new: &[u8]) -> Result<()> {
        self.io.apply(off, new, false)
    }

    /// Erases `len` bytes at `off` now (`None`: from 0, as the 3-arg
    /// prepare; else `off` and `len` aligned to [`Engine::min_prepare`]):
    /// prepares them, erases the sectors that are not blank, or on memory
    /// without erase programs the erased value.  Starting at 0, begins a
    /// deploy as a prepare does.
    ///
    /// # Errors
    /// As [`Engine::prepare`]; [`Error::NotErased`] if bytes of the range
    /// are still not erased: they share a sector with flash outside the
    /// segment, which is never erased (the other sectors are erased all the
    /// same, so that a client writing only there can go on).
    pub fn erase_now(&mut self, off: Option<u32>, len: u32) -> Result<()> {
        self.prepare(off, len)?;
        self.settle(self.st.hi, 0, &[])?;
        let at = off.unwrap_or(0);
        let e = self.io.rules.erased;
        if self.io.rules.erase_free() {
            let fill = [e; HOLD_MAX];
            for o in (at..at + len).step_by(HOLD_MAX) {
                self.io.apply(o, fill.split_at((at + len - o).min(HOLD_MAX as u32) as usize).0, true)?;
            }
        }
        match self.io.flash.mem().get(at as usize..(at + len) as usize) {
            Some(b) if is_blank(b, e) => Ok(()),
            _ => Err(Error::NotErased),
        }
    }

    /// Block view: records a write of `off..end`.  Once the bytes from 0
    /// to the held image's length have all been written in order, commits
    /// the deploy (op 5).
    pub fn written(&mut self, off: u32, end: u32) -> Result<()> {
        if self.st.flags & (HELD | POISONED) != HELD {
            return Ok(());
        }
        if off <= self.st.next {
            self.st.next = self.st.next.max(end);
        }
        match image_len(&self.st.hold) {
            Some(n) if self.st.next >= n => self.complete(),
            _ => Ok(()),
        }
    }

    /// Settles pending sectors, in order, until the pending range starts at
    /// or after segment offset `until`, using the write of whole units
    /// `new` at segment offset `off` (empty if none).
    ///
    /// The first pending sector is kept if it is blank, or if the write
    /// covers it and its new bytes program over the current ones
    /// (`rewrite-skip`).  Else it is erased (refused if it extends past the
    /// segment): alone when the write brings the same bytes past the header
    /// (a re-deploy of the same image, whose header was zeroed when the
    /// deploy began), else with the largest block erase in the pending
    /// range.
    fn settle(&mut self, until: u32, off: u32, new: &[u8]) -> Result<()> {
        while self.st.lo < self.st.hi && self.st.lo < until {
            let s = self.seg.unit_at(self.st.lo);
            if s.size == 0 {
                return Err(Error::NotErased);
            }
            let (a, b) = (self.seg.clip(s.start), self.seg.clip(s.end()));
            // The write's bytes for the whole sector, if it covers it.
            let fresh = if off <= a { new.get((a - off) as usize..(b - off) as usize) } else { None };
            let e = self.io.rules.erased;
            let keep = self.io.flash.mem().get(a as usize..b as usize).is_none_or(|old| is_blank(old, e))
                || (cfg!(feature = "rewrite-skip") && fresh.is_some_and(|fresh| self.io.apply(a, fresh, false).is_ok()));
            let mut next = b;
            if !keep {
                if !self.seg.contains(s) {
                    return Err(Error::NotErased);
                }
                let mut size = s.size;
                if cfg!(feature = "block-erase") {
                    // The same bytes past the header: erase the sector alone.
                    let from = if a == 0 { self.hold_len() } else { a };
                    let same = from > b
                        || fresh.is_some_and(|fresh| {
                            self.io.flash.mem().get(from as usize..b as usize).is_some_and(|old| fresh.ends_with(old))
                        });
                    if !same {
                        size = self.seg.erase_size(s, self.st.hi);
                    }
                }
                self.io.erase(a, size)?;
                next = a + size;
            }
            self.st.lo = next;
        }
        Ok(())
    }
}

impl<F: Flash> Io<F> {
    /// Walks the whole units of `new`, which go to segment offset `at`:
    /// every unit that differs from flash must be programmable over it;
    /// with `program`, the runs of differing units are programmed, else
    /// only checked.
    ///
    /// A run goes from the first differing unit to the last one: unchanged
    /// units inside it are programmed again, which changes nothing, so that
    /// a chunk becomes one program operation.  On write-once flash a run
    /// ends before an unchanged programmed unit instead (it must not be
    /// programmed twice).  Nothing of a run is programmed before all of its
    /// units are checked.
    fn apply(&mut self, at: u32, new: &[u8], program: bool) -> Result<()> {
        if !cfg!(feature = "write-once") {
            return self.apply_bytes(at, new, program);
        }
        let unit = self.rules.unit as usize;
        let (mut i, mut start, mut end) = (0, 0, 0);
        loop {
            let cur = self.flash.mem().get(at as usize + i..at as usize + i + unit);
            let class = match (cur, new.get(i..i + unit)) {
                (Some(cur), Some(new)) => self.rules.compare(cur, new),
                _ => Unit::Outside,
            };
            if class == Unit::Unfit {
                return Err(Error::NotErased);
            }
            if class == Unit::Differs {
                if end == 0 {
                    start = i;
                }
                end = i + unit;
            } else if end != 0 && (class == Unit::Outside || (class == Unit::Programmed && self.rules.writes_once())) {
                if let (true, Some(src)) = (program, new.get(start..end)) {
                    self.program_raw(at + start as u32, src)?;
                }
                end = 0;
            }
            if class == Unit::Outside {
                return Ok(());
            }
            i += unit;
        }
    }

    /// [`Io::apply`] for builds without write-once flash, byte by byte:
    /// a unit fits if each of its bytes does, so every byte is checked,
    /// then the run from the first differing unit to the last one is
    /// programmed.
    fn apply_bytes(&mut self, at: u32, new: &[u8], program: bool) -> Result<()> {
        let unit = self.rules.unit as usize;
        let e = self.rules.erased;
        let Some(cur) = self.flash.mem().get(at as usize..) else {
            return Ok(());
        };
        // Whole units only.
        let len = cur.len().min(new.len()) & !(unit - 1);
        let (Some(cur), Some(new)) = (cur.get(..len), new.get(..len)) else {
            return Ok(());
        };
        let (mut first, mut last) = (usize::MAX, 0);
        for (i, (&c, &n)) in cur.iter().zip(new).enumerate() {
            if c != n {
                if !self.rules.erase_free() && (c ^ e) & (c ^ n) != 0 {
                    return Err(Error::NotErased);
                }
                first = first.min(i);
                last = i;
            }
        }
        if first == usize::MAX || !program {
            return Ok(());
        }
        let (start, end) = (first & !(unit - 1), (last | (unit - 1)) + 1);
        match new.get(start..end) {
            Some(src) => self.program_raw(at + start as u32, src),
            None => Ok(()),
        }
    }

    /// Erases `size` bytes at `off` and lets the port poll.
    fn erase(&mut self, off: u32, size: u32) -> Result<()> {
        self.flash.erase(off, size)?;
        self.flash.poll();
        Ok(())
    }

    /// Programs `src` at `off`, reads it back, and lets the port poll.
    fn program_raw(&mut self, off: u32, src: &[u8]) -> Result<()> {
        self.flash.program(off, src)?;
        let same = self.flash.mem().get(off as usize..).is_some_and(|m| m.starts_with(src));
        self.flash.poll();
        if same { Ok(()) } else { Err(Error::Verify) }
    }
}
