//! The state machine behind ops 3 (prepare), 4 (write) and 5 (complete) for
//! one segment.
//!
//! # Semantics
//! (Without the `deferred` feature a prepare settles its sectors at once,
//! with no write to go by: blank ones are kept, the others erased; there
//! is then no pending range.)
//! - **Prepare records, writes erase.**  `prepare` records the whole
//!   sectors of its range as *pending*; each pending sector is settled when
//!   the first write reaches it: kept if it is blank (or, with
//!   `rewrite-skip`, if the write covers it with bytes that program over
//!   the old ones), else erased, with the largest block erase that stays in
//!   the pending range (`block-erase`).  There is one pending range: a
//!   prepare that overlaps or touches it extends it, any other replaces it.
//! - **Writes go forward.**  Pending sectors that lie wholly before a
//!   write's first byte are dropped from the pending range unsettled: they
//!   keep their bytes, so a client may skip sectors that already hold what
//!   it wants (a differential deploy).  Writing back into them later needs
//!   bytes that program over what is there.
//! - **Bounded calls.**  No call erases a sector that its own bytes do not
//!   fall in, except a block erase started at a sector they fall in and
//!   kept inside the pending range, and the header sector that a prepare
//!   from offset 0 erases on write-once flash; no call programs bytes other
//!   than its own (padded to whole program units) and the held header.  So
//!   a call takes at most one erase per sector of its span plus programming
//!   its span, whatever happened before (see `README.md`, Latency).
//! - **A deploy starts by killing the old header.**  A prepare at offset 0
//!   begins a deploy: the pending range and the failure mark of any earlier
//!   deploy are forgotten, and if the segment holds a ROMFS magic it is
//!   programmed to zeros (on write-once flash the first sector is erased
//!   instead).  From then on no old image can mount, and an erase of that
//!   sector cut short leaves zeros or erased bytes, never a magic.
//! - **The new header is committed last.**  The program units holding the
//!   image's 3-byte magic (`hold_len()` bytes) are kept in RAM; every other
//!   byte, the length after the magic included, is programmed as it is
//!   written.  Op 5 programs the held units, and with them the magic; only
//!   if no prepare or write of the deploy failed, was refused or was
//!   interrupted, and the deploy's writes reached the end of the image the
//!   header describes.  Else op 5 drops them and returns `-EIO`.
//! - **Checks before changes.**  A write whose bytes outside the pending
//!   range cannot be programmed as they are is refused before anything
//!   changes.
//!
//! # Power loss
//! After a cut at any point of a deploy (prepare from offset 0, writes,
//! op 5), the segment holds the old image unchanged, no valid header, or
//! the complete new image.  Writes outside a deploy (without a prepare at
//! offset 0) change bytes under whatever header is there, as upstream's do.
#![forbid(unsafe_code)]

use crate::error::{Error, Result};
use crate::geometry::Segment;
use crate::rules::{has_magic, image_len, is_blank};

/// What the core needs from one segment's flash: a read view and one
/// operation per call.
///
/// The core does not use `embedded-storage`'s `NorFlash` here: its erase
/// size and program unit are per-type constants, while ROM segments have
/// runtime sector tables with several sizes (STM32F7: 32K/128K/256K) and
/// several erase operations per address (SPI NOR: 4K/32K/64K); and its
/// `read` copies, while the core compares in place through the memory map.
///
/// Every method but `mem` may fail with [`Error::Interrupted`]: the port's
/// code raised an exception (KeyboardInterrupt from its event servicing),
/// which the C shim caught and will raise again once the core has returned.
/// The core then returns at once, without another operation.
pub trait Flash {
    /// The segment's bytes as the CPU reads them (memory-mapped).
    fn mem(&self) -> &[u8];
    /// Erase `size` bytes at segment offset `off`: exactly one erase
    /// operation of the geometry, wholly inside the segment.
    ///
    /// # Errors
    /// [`Error::Io`] if the driver fails; [`Error::Interrupted`].
    fn erase(&mut self, off: u32, size: u32) -> Result<()>;
    /// Program `src` (whole program units) at segment offset `off`.
    ///
    /// # Errors
    /// [`Error::Io`] if the driver fails; [`Error::Interrupted`].
    fn program(&mut self, off: u32, src: &[u8]) -> Result<()>;
    /// Lets the port service events between flash operations.
    ///
    /// # Errors
    /// [`Error::Interrupted`].
    fn poll(&mut self) -> Result<()>;
    /// Cache maintenance once a deploy is complete (op 5).
    ///
    /// # Errors
    /// [`Error::Interrupted`].
    fn sync(&mut self) -> Result<()>;
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
    fn poll(&mut self) -> Result<()> {
        (**self).poll()
    }
    fn sync(&mut self) -> Result<()> {
        (**self).sync()
    }
}

/// `State::flags`: a header is held for op 5.
const HELD: u32 = 1;
/// `State::flags`: a prepare or write of this deploy failed.
const FAILED: u32 = 2;

/// The largest held header (the largest program unit).
pub const HOLD_MAX: usize = 32;

/// RAM state of one segment: five words and the held header (52 bytes).
///
/// Zero-initialised is the idle state.  Owned by the port (one per segment);
/// only the core reads or writes it, and the C shim zeroes it at the first
/// call after a soft reset.
#[repr(C)]
#[derive(Clone, Debug, Default)]
pub struct State {
    /// Start of the pending range (segment offset, a sector boundary):
    /// sectors from here to `hi` are prepared but not yet settled.
    lo: u32,
    /// End of the pending range.
    hi: u32,
    /// The end of the furthest write of this deploy.
    reach: u32,
    /// Block view: the end of the bytes written in order from offset 0
    /// since the header was held.
    next: u32,
    /// `HELD`, `FAILED`.
    flags: u32,
    /// The first bytes of the new image as the deploy wrote them; those of
    /// the units holding the magic are not in flash yet.
    hold: [u8; HOLD_MAX],
}

impl State {
    /// The idle state (all zero).
    pub const fn new() -> Self {
        State { lo: 0, hi: 0, reach: 0, next: 0, flags: 0, hold: [0; HOLD_MAX] }
    }

    /// The pending range `(lo, hi)` in segment offsets (empty if lo >= hi).
    pub fn pending(&self) -> (u32, u32) {
        (self.lo, self.hi)
    }

    /// The held header, if a deploy holds one.
    pub fn held_header(&self) -> Option<&[u8; HOLD_MAX]> {
        (self.flags & HELD != 0).then_some(&self.hold)
    }

    /// Whether a prepare or write of the deploy under way failed.
    pub fn failed(&self) -> bool {
        self.flags & FAILED != 0
    }

    /// The end of the furthest write of the deploy, and the end of the bytes
    /// the block view has written in order from offset 0.
    pub fn progress(&self) -> (u32, u32) {
        (self.reach, self.next)
    }
}

/// The bytes of one write as whole program units: the body at its segment
/// offset, and the last partial unit padded with the erased value (empty if
/// none).
type Pieces<'d> = [(u32, &'d [u8]); 2];

/// No bytes (the settling of a prepare or an erase, which has no write to go
/// by).
const NO_BYTES: Pieces<'static> = [(0, &[]), (0, &[])];

/// Ops 3-6 on one segment.
pub struct Engine<'a, F: Flash> {
    io: Io<'a, F>,
    st: &'a mut State,
}

/// The segment's flash and what walks, programs and erases need of it:
/// apart from the state, so that op 5 can program the held header from the
/// state without a copy.
struct Io<'a, F: Flash> {
    seg: Segment<'a>,
    flash: F,
}

impl<'a, F: Flash> Engine<'a, F> {
    /// The engine of `seg`, whose state is `st`, over `flash`.
    pub fn new(seg: Segment<'a>, st: &'a mut State, flash: F) -> Self {
        Engine { io: Io { seg, flash }, st }
    }

    /// The flash (for tests and benchmarks).
    pub fn flash(&self) -> &F {
        &self.io.flash
    }

    /// Op 6: the granularity of the 4-arg prepare, or 0 if only the 3-arg
    /// form is offered.
    pub fn min_prepare(&self) -> u32 {
        self.io.seg.min_prepare()
    }

    /// The program unit: the minimum write size that op 3 returns.
    pub fn program_unit(&self) -> u32 {
        self.io.seg.unit
    }

    /// Bytes of the header held back until commit: the program units that
    /// hold the magic.
    pub fn hold_len(&self) -> u32 {
        self.io.seg.hold_len()
    }

    /// While a header is held: the end of the image it describes (0 if its
    /// length is not in the held bytes).
    fn image_end(&self) -> u32 {
        image_len(&self.st.hold).unwrap_or(0)
    }

    /// Segment length in bytes.
    pub fn segment_len(&self) -> u32 {
        self.io.seg.len
    }

    /// Value of an erased byte.
    pub fn erased(&self) -> u8 {
        self.io.seg.erased
    }

    /// The segment's bytes (memory-mapped).
    pub fn mem(&self) -> &[u8] {
        self.io.flash.mem()
    }

    /// The held header bytes while a deploy holds them.
    pub fn held(&self) -> Option<&[u8]> {
        (self.st.flags & HELD != 0).then(|| self.st.hold.split_at((self.hold_len() as usize).min(HOLD_MAX)).0)
    }

    /// Marks the deploy as failed: op 5 will not commit its header.
    pub fn fail(&mut self) {
        self.st.flags |= FAILED;
    }

    /// Begins a deploy without a prepare (the block view's write of a new
    /// header over blank bytes): forgets the held header and the failure
    /// mark of any earlier one.
    pub fn begin(&mut self) {
        self.st.flags = 0;
    }

    /// Forgets the pending range: nothing prepared is erased later.
    pub fn drop_pending(&mut self) {
        (self.st.lo, self.st.hi) = (0, 0);
    }

    /// Op 3: prepare `len` bytes at `off` (`None`: the 3-arg form, from 0)
    /// for writing.  A prepare at offset 0 begins a new deploy and makes the
    /// old image unmountable (see the module's semantics).
    ///
    /// # Errors
    /// [`Error::OutOfBounds`] past the end, [`Error::NotAligned`] for a
    /// 4-arg prepare not aligned to [`Engine::min_prepare`] (both change
    /// nothing); [`Error::NotErased`] if the old header cannot be killed
    /// (write-once flash whose first sector extends before the segment),
    /// and the errors of that flash operation.
    pub fn prepare(&mut self, off: Option<u32>, len: u32) -> Result<()> {
        let at = off.unwrap_or(0);
        if len > self.io.seg.len || at > self.io.seg.len - len {
            return Err(Error::OutOfBounds);
        }
        if off.is_some() {
            let g = self.io.seg.min_prepare();
            if g == 0 || (at | len) & (g - 1) != 0 {
                return Err(Error::NotAligned);
            }
        }
        if at == 0 {
            *self.st = State::new();
            if has_magic(self.io.flash.mem()) {
                if self.io.seg.writes_once() {
                    let first = self.io.seg.unit_at(0);
                    if !self.io.seg.contains(first) {
                        return Err(Error::NotErased);
                    }
                    self.io.erase(0, first.size)?;
                } else {
                    // The state was just cleared: its `hold` is the zeros
                    // (a zero array of its own costs 32 B of rodata).
                    self.io.program(0, self.st.hold.split_at((self.io.seg.unit as usize).min(HOLD_MAX)).0)?;
                }
            }
        }
        if len == 0 || self.io.seg.erase_free() {
            return Ok(());
        }
        // Only whole sectors inside the segment are ever erased: a sector
        // straddling an edge is not prepared, and writes into it must
        // program over what is there.
        let (first, last) = (self.io.seg.unit_at(at), self.io.seg.unit_at(at + len - 1));
        let lo = self.io.seg.clip(if self.io.seg.contains(first) { first.start } else { first.end() });
        let hi = self.io.seg.clip(if self.io.seg.contains(last) { last.end() } else { last.start });
        let (plo, phi) = (self.st.lo, self.st.hi);
        if lo >= hi {
            return Ok(());
        }
        if !cfg!(feature = "deferred") {
            // Erase now: the range's sectors that are not blank.  (Through
            // `settle`, which keeps a pending range up to date as it goes,
            // this costs 18 B more on thumbv6m.)
            let mut a = lo;
            while a < hi {
                let mut size = self.io.seg.unit_at(a).size;
                let blank = self
                    .io
                    .flash
                    .mem()
                    .get(a as usize..(a + size) as usize)
                    .is_none_or(|m| is_blank(m, self.io.seg.erased));
                if !blank {
                    if cfg!(feature = "block-erase") {
                        // As `settle` does: the largest block erase that
                        // starts here and stays in the range.
                        size = self.io.seg.erase_size(a, hi);
                    }
                    self.io.erase(a, size)?;
                }
                a += size;
            }
            return Ok(());
        }
        (self.st.lo, self.st.hi) =
            if plo < phi && lo <= phi && hi >= plo { (plo.min(lo), phi.max(hi)) } else { (lo, hi) };
        Ok(())
    }

    /// Op 4: program `data` at `off`, a last partial program unit padded
    /// with the erased value, and read it back.
    ///
    /// # Errors
    /// [`Error::OutOfBounds`]/[`Error::NotAligned`] change nothing, nor does
    /// [`Error::NotErased`] for bytes that were neither prepared nor
    /// programmable.  [`Error::Verify`], [`Error::Io`] and
    /// [`Error::Interrupted`] on flash failure or interruption.
    pub fn write(&mut self, off: u32, data: &[u8]) -> Result<()> {
        self.write_with(off, data, true)
    }

    /// [`Engine::write`]; `hold`: whether bytes of the header are held for
    /// op 5 (else they are programmed like the others).
    pub fn write_with(&mut self, off: u32, data: &[u8], hold: bool) -> Result<()> {
        let unit = self.io.seg.unit;
        if off > self.io.seg.len || data.len() > (self.io.seg.len - off) as usize {
            return Err(Error::OutOfBounds);
        }
        if off & (unit - 1) != 0 {
            return Err(Error::NotAligned);
        }
        // An empty write does nothing (not even hold the header).
        if data.is_empty() {
            return Ok(());
        }
        let whole = data.len() & !(unit as usize - 1);
        let (body, rest) = data.split_at(whole);
        let mut pad = [self.io.seg.erased; HOLD_MAX];
        for (p, &b) in pad.iter_mut().zip(rest) {
            *p = b;
        }
        let tail = pad.split_at(if rest.is_empty() { 0 } else { (unit as usize).min(HOLD_MAX) }).0;
        let at = off + whole as u32;
        let end = at + tail.len() as u32;
        let pieces: Pieces = [(off, body), (at, tail)];
        if cfg!(feature = "deferred") {
            // Pending sectors wholly before the write keep their bytes.
            let (lo, hi) = (self.st.lo.max(self.io.seg.clip(self.io.seg.unit_at(off).start)), self.st.hi);
            // Bytes outside the pending range must be programmable as they
            // are; the pending sectors the write reaches are settled.
            // (max then min, not clamp: clamp's min <= max check panics.)
            let (a, b) = if lo < hi { (lo.max(off).min(end), hi.max(off).min(end)) } else { (end, end) };
            self.io.each(off, a, &pieces, false)?;
            self.io.each(b, end, &pieces, false)?;
            self.st.lo = lo;
            self.settle(end, &pieces)?;
        } else {
            // Every byte must be programmable as it is (prepares erased).
            for &(at, bytes) in &pieces {
                self.io.apply(at, bytes, false)?;
            }
        }
        // The header's bytes are held for op 5, the others programmed.
        let from = if hold { self.hold_len() } else { 0 };
        if off < from && self.st.flags & HELD == 0 {
            self.st.hold = [self.io.seg.erased; HOLD_MAX];
            self.st.flags |= HELD;
            if cfg!(feature = "blockdev") {
                self.st.next = 0;
            }
        }
        if self.st.flags & HELD != 0 {
            // The header's first bytes as written, for its length (only the
            // write's own bytes: its padding programs nothing).
            if let Some(head) = self.st.hold.get_mut(off as usize..) {
                for (h, &b) in head.iter_mut().zip(data) {
                    *h = b;
                }
            }
        }
        // All of the write from `from` on (`end` here instead of the open
        // end costs 20 B on thumbv6m, where `each` is inlined, and saves 4 B
        // on stm32 and alif).
        self.io.each(from, u32::MAX, &pieces, true)?;
        self.st.reach = self.st.reach.max(off + data.len() as u32);
        Ok(())
    }

    /// Op 5: commit the held header (see the module's semantics); then
    /// cache maintenance.  The deploy is over either way.
    ///
    /// # Errors
    /// [`Error::Incomplete`] if a prepare or write of this deploy failed, or
    /// its writes did not reach the end of the image (the new image is left
    /// unmountable); flash errors of the commit.
    pub fn complete(&mut self) -> Result<()> {
        let (flags, reach) = (self.st.flags, self.st.reach);
        // The deploy is over (the held bytes stay, unused, until the next).
        let st = &mut *self.st;
        // The pending range moves only with `deferred`, `next` only with the
        // block view: clearing them only there saves 20 B on thumbv6m.
        (st.reach, st.flags) = (0, 0);
        if cfg!(feature = "deferred") {
            (st.lo, st.hi) = (0, 0);
        }
        if cfg!(feature = "blockdev") {
            st.next = 0;
        }
        let result = if flags & FAILED != 0 {
            Err(Error::Incomplete)
        } else if flags & HELD == 0 {
            Ok(())
        } else if reach < self.image_end() {
            Err(Error::Incomplete)
        } else {
            // The rest of the header is in flash already: the unit holding
            // the magic, last of all, makes the image mount.
            let n = (self.hold_len() as usize).min(HOLD_MAX);
            self.io.apply(0, self.st.hold.split_at(n).0, true)
        };
        self.io.flash.sync()?;
        result
    }

    /// Whether `new` (whole units) can be programmed at `off` as flash is
    /// now, without an erase.
    ///
    /// # Errors
    /// [`Error::NotErased`] if not.
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
        if cfg!(feature = "deferred") {
            self.settle(self.st.hi, &NO_BYTES)?;
        }
        let at = off.unwrap_or(0);
        let e = self.io.seg.erased;
        if self.io.seg.erase_free() {
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
    ///
    /// # Errors
    /// Those of [`Engine::complete`].
    pub fn written(&mut self, off: u32, end: u32) -> Result<()> {
        if self.st.flags & (HELD | FAILED) != HELD {
            return Ok(());
        }
        if off <= self.st.next {
            self.st.next = self.st.next.max(end);
        }
        match self.image_end() {
            n if n != 0 && self.st.next >= n => self.complete(),
            _ => Ok(()),
        }
    }

    /// Settles the pending sectors, in order, that start before segment
    /// offset `until`, for the write of `pieces` (no bytes: an erase).
    ///
    /// A sector is kept if it is blank, or (`rewrite-skip`) if the write
    /// covers it and its new bytes program over the current ones.  Else it
    /// is erased: with `block-erase`, by the largest block erase that starts
    /// there and stays in the pending range, unless it is the segment's
    /// first sector and the write brings the same bytes past the header (a
    /// re-deploy of the same image: its following sectors will be kept).
    fn settle(&mut self, until: u32, pieces: &Pieces) -> Result<()> {
        let (off, end) = (pieces[0].0, pieces[1].0 + pieces[1].1.len() as u32);
        while self.st.lo < self.st.hi && self.st.lo < until {
            let a = self.st.lo;
            let mut size = self.io.seg.unit_at(a).size;
            let b = a + size;
            let covered = off <= a && b <= end;
            let keep = self.io.flash.mem().get(a as usize..b as usize).is_none_or(|m| is_blank(m, self.io.seg.erased))
                || (cfg!(feature = "rewrite-skip") && covered && self.io.each(a, b, pieces, false).is_ok());
            if !keep {
                if cfg!(feature = "block-erase") {
                    let from = if a == 0 { self.hold_len() } else { a };
                    let mem = self.io.flash.mem();
                    let same = covered
                        && pieces.iter().all(|&(at, bytes)| {
                            let (lo, hi) = (from.max(at), b.min(at + bytes.len() as u32));
                            lo >= hi
                                || mem.get(lo as usize..hi as usize)
                                    == bytes.get((lo - at) as usize..(hi - at) as usize)
                        });
                    if !same {
                        size = self.io.seg.erase_size(a, self.st.hi);
                    }
                }
                self.io.erase(a, size)?;
            }
            self.st.lo = a + size;
        }
        Ok(())
    }
}

impl<F: Flash> Io<'_, F> {
    /// Applies [`Io::apply`] to the bytes of `pieces` that fall in the
    /// segment offsets `a..b`.
    fn each(&mut self, a: u32, b: u32, pieces: &Pieces, program: bool) -> Result<()> {
        for &(at, bytes) in pieces {
            let (lo, hi) = (a.max(at), b.min(at + bytes.len() as u32));
            if lo < hi {
                if let Some(part) = bytes.get((lo - at) as usize..(hi - at) as usize) {
                    self.apply(lo, part, program)?;
                }
            }
        }
        Ok(())
    }

    /// Walks the whole units of `new`, which go to segment offset `at`:
    /// every unit that differs from flash must be programmable over it;
    /// with `program`, the differing units are programmed, else only
    /// checked.
    ///
    /// Without write-once flash the run from the first differing byte's
    /// unit to the last one's is programmed as one operation (unchanged
    /// units in it are programmed again, which changes nothing).  On
    /// write-once flash each run of differing units is programmed on its
    /// own: no unit may be programmed twice.
    fn apply(&mut self, at: u32, new: &[u8], program: bool) -> Result<()> {
        let (unit, e) = (self.seg.unit as usize, self.seg.erased);
        let mem = self.flash.mem();
        // In bounds by the min, so no panic path; `get(..).unwrap_or_default()`
        // tests the slice pointer for null (+18 B on thumbv6m).
        let cur = &mem[(at as usize).min(mem.len())..];
        if !self.seg.writes_once() {
            let (mut first, mut last) = (usize::MAX, 0);
            for (i, (&c, &n)) in cur.iter().zip(new).enumerate() {
                if c != n {
                    if !self.seg.erase_free() && (c ^ e) & (c ^ n) != 0 {
                        return Err(Error::NotErased);
                    }
                    first = first.min(i);
                    last = i;
                }
            }
            if !program {
                return Ok(());
            }
            let start = first & !(unit - 1);
            return match new.get(start..(last | (unit - 1)) + 1) {
                Some(run) => self.program(at + start as u32, run),
                None => Ok(()),
            };
        }
        // Write-once units: a differing unit must be blank.
        let mut i = 0;
        while let (Some(c), Some(n)) = (cur.get(i..i + unit), new.get(i..i + unit)) {
            if c != n && !is_blank(c, e) {
                return Err(Error::NotErased);
            }
            i += unit;
        }
        if !program {
            return Ok(());
        }
        let (mut i, mut start) = (0, None);
        loop {
            let n = new.get(i..i + unit);
            let differs = n.is_some() && self.flash.mem().get(at as usize + i..at as usize + i + unit) != n;
            match (differs, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    self.program(at + s as u32, new.get(s..i).unwrap_or_default())?;
                    start = None;
                }
                _ => {}
            }
            if n.is_none() {
                return Ok(());
            }
            i += unit;
        }
    }

    /// Erases `size` bytes at `off` and lets the port poll.
    fn erase(&mut self, off: u32, size: u32) -> Result<()> {
        self.flash.erase(off, size)?;
        self.flash.poll()
    }

    /// Programs `src` at `off`, reads it back, and lets the port poll.
    fn program(&mut self, off: u32, src: &[u8]) -> Result<()> {
        self.flash.program(off, src)?;
        if !self.flash.mem().get(off as usize..).is_some_and(|m| m.starts_with(src)) {
            return Err(Error::Verify);
        }
        self.flash.poll()
    }
}
