//! Pure planning: what a write needs done to a pending sector, and which
//! program units differ.  Nothing here touches flash; `engine` executes.
#![forbid(unsafe_code)]

use crate::geometry::{Sector, Segment};

/// The ROMFS magic: record kind 0x14a6b1 as a varuint ("RM1").
pub const MAGIC: [u8; 3] = [0xd2, 0xcd, 0x31];

/// Whether `mem` starts with the ROMFS magic (a mountable-looking image).
pub fn has_magic(mem: &[u8]) -> bool {
    mem.get(..3) == Some(&MAGIC[..])
}

/// Total length of the image whose first bytes are `head`: the magic, the
/// payload length as a varuint, and the payload.  `None` if `head` does not
/// start with the magic or the length does not end within `head`.
pub fn image_len(head: &[u8]) -> Option<u32> {
    if !has_magic(head) {
        return None;
    }
    let mut len: u32 = 0;
    for (i, &b) in head.iter().enumerate().skip(3) {
        if len > u32::MAX >> 7 {
            return None;
        }
        len = len << 7 | u32::from(b & 0x7f);
        if b & 0x80 == 0 {
            return len.checked_add(i as u32 + 1);
        }
    }
    None
}

/// Whether all bytes equal the erased value.
pub fn is_blank(bytes: &[u8], erased: u8) -> bool {
    bytes.iter().all(|&b| b == erased)
}

/// Write rules of the memory, as the unit checks need them.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// Program unit in bytes.
    pub unit: u32,
    /// Value of an erased byte.
    pub erased: u8,
    /// Units are programmed once per erase.
    pub write_once: bool,
    /// Any value overwrites any value (no erase needed).
    pub no_erase: bool,
}

/// [`Rules::next_run`]'s start when a differing unit cannot be programmed.
pub const UNFIT: usize = usize::MAX;

impl Rules {
    /// The rules of a segment's device.
    pub fn of(seg: &Segment) -> Self {
        Rules {
            unit: seg.geom.program_unit(),
            erased: seg.geom.erased(),
            write_once: seg.geom.write_once(),
            no_erase: seg.geom.no_erase(),
        }
    }

    /// Whether units are programmed once per erase.  Always false when the
    /// `write-once` feature is off: the field is runtime data, this makes
    /// the compiler drop the rule's code from builds without it.
    pub fn writes_once(&self) -> bool {
        cfg!(feature = "write-once") && self.write_once
    }

    /// Whether any value overwrites any value.  Always false when the
    /// `no-erase` feature is off (see [`Rules::writes_once`]).
    pub fn erase_free(&self) -> bool {
        cfg!(feature = "no-erase") && self.no_erase
    }

    /// Whether the unit `cur` can become `new` by programming alone: only
    /// bits that are still erased change, and write-once units must be fully
    /// erased (or already equal).
    pub fn unit_fits(&self, cur: &[u8], new: &[u8]) -> bool {
        if self.erase_free() || cur == new {
            return true;
        }
        if self.writes_once() {
            return is_blank(cur, self.erased);
        }
        cur.iter().zip(new).all(|(&c, &n)| (c ^ self.erased) & (c ^ n) == 0)
    }

    /// The next run to program, scanning whole units from byte `at`:
    /// `(start, end)` in bytes, from the first unit that differs between
    /// `cur` and `new` to the last one.  Unchanged units inside the run are
    /// programmed again, which changes nothing, so that a chunk becomes one
    /// program operation; on write-once flash the run ends before an
    /// unchanged programmed unit instead (it must not be programmed twice).
    /// `end == 0`: nothing differs.  `start == UNFIT`: a differing unit
    /// cannot be programmed over `cur`.  Stops where either slice ends.
    pub fn next_run(&self, cur: &[u8], new: &[u8], mut at: usize) -> (usize, usize) {
        let unit = self.unit as usize;
        let (mut start, mut end) = (0, 0);
        while let (Some(c), Some(n)) = (cur.get(at..at + unit), new.get(at..at + unit)) {
            if c != n {
                if !self.unit_fits(c, n) {
                    return (UNFIT, 0);
                }
                if end == 0 {
                    start = at;
                }
                end = at + unit;
            } else if end != 0 && self.writes_once() && !is_blank(c, self.erased) {
                break;
            }
            at += unit;
        }
        (start, end)
    }

    /// Whether every unit of `new` can be programmed over `cur`.
    pub fn fits(&self, cur: &[u8], new: &[u8]) -> bool {
        let mut at = 0;
        loop {
            match self.next_run(cur, new, at) {
                (UNFIT, _) => return false,
                (_, 0) => return true,
                (_, end) => at = end,
            }
        }
    }
}

/// What must happen to one pending sector before writes may program into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitPlan {
    /// No erase: the sector is blank, or the write covers it entirely and
    /// its new contents can be programmed over the current ones.
    Keep,
    /// Erase `size` bytes at segment offset `off`: the sector, or a larger
    /// block that starts with it.
    Erase {
        /// Segment offset.
        off: u32,
        /// Bytes; one erase operation of the geometry.
        size: u32,
    },
    /// The sector needs an erase but extends past the segment: refused.
    Refuse,
}

/// Plans the pending sector `s`, the first one still pending (pending
/// sectors end at segment offset `pending_end`), from the segment's memory
/// `mem` and the write of whole units `new` at segment offset `off` that
/// reaches it (empty if none).
///
/// A sector to erase is erased with the largest block that is worth it:
/// the first sector alone when the write brings the same bytes past the
/// header (a re-deploy of the same image, whose header was zeroed when the
/// deploy began), else the largest block erase in the pending range.
pub fn plan_unit(seg: &Segment, mem: &[u8], s: Sector, pending_end: u32, off: u32, new: &[u8]) -> UnitPlan {
    let rules = Rules::of(seg);
    if s.size == 0 {
        return UnitPlan::Refuse;
    }
    let (a, b) = (seg.clip(s.start), seg.clip(s.end()));
    let old = mem.get(a as usize..b as usize).unwrap_or_default();
    if is_blank(old, rules.erased) {
        return UnitPlan::Keep;
    }
    // The write's bytes for the whole sector, if it covers it.
    let fresh = if off <= a { new.get((a - off) as usize..(b - off) as usize) } else { None };
    if let (true, Some(fresh)) = (cfg!(feature = "rewrite-skip"), fresh) {
        if rules.fits(old, fresh) {
            return UnitPlan::Keep;
        }
    }
    if !seg.contains(s) {
        return UnitPlan::Refuse;
    }
    let skip = if a == 0 { seg.hold_len() as usize } else { 0 };
    let same = fresh.and_then(|f| f.get(skip..)) == old.get(skip..);
    let size = if same { s.size } else { seg.erase_size(s, pending_end) };
    UnitPlan::Erase { off: a, size }
}
