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

impl Rules {
    /// The rules of a segment's device.
    pub fn of(seg: &Segment) -> Self {
        Rules {
            unit: seg.geom.program_unit(),
            erased: seg.geom.erased,
            write_once: seg.geom.write_once(),
            no_erase: seg.geom.no_erase(),
        }
    }

    /// Whether the unit `cur` can become `new` by programming alone: only
    /// bits that are still erased change, and write-once units must be fully
    /// erased (or already equal).
    pub fn unit_fits(&self, cur: &[u8], new: &[u8]) -> bool {
        if self.no_erase || cur == new {
            return true;
        }
        if self.write_once {
            return is_blank(cur, self.erased);
        }
        cur.iter().zip(new).all(|(&c, &n)| (c ^ self.erased) & (c ^ n) == 0)
    }

    /// The next run to program, from byte `at`: from the first program unit
    /// that differs between `cur` and `new` to the last one, as
    /// `(start, end, fits)` in bytes, with whether every differing unit can
    /// be programmed over `cur`.  Unchanged units inside the run are
    /// programmed again, which changes nothing, so that a chunk becomes one
    /// program operation; on write-once flash the run ends before an
    /// unchanged programmed unit instead (it must not be programmed twice).
    /// `None` if the rest is unchanged.  Stops where either slice ends.
    pub fn next_change(&self, cur: &[u8], new: &[u8], mut at: usize) -> Option<(usize, usize, bool)> {
        let unit = self.unit as usize;
        let (mut start, mut end) = (None, 0);
        let mut fits = true;
        while let (Some(c), Some(n)) = (cur.get(at..at + unit), new.get(at..at + unit)) {
            if c != n {
                start = start.or(Some(at));
                fits &= self.unit_fits(c, n);
                end = at + unit;
            } else if start.is_some() && self.write_once && !is_blank(c, self.erased) {
                break;
            }
            at += unit;
        }
        start.map(|start| (start, end, fits))
    }

    /// Whether every unit of `new` can be programmed over `cur`, and
    /// whether all are already equal: `(fits, same)`.
    pub fn compare(&self, cur: &[u8], new: &[u8]) -> (bool, bool) {
        let mut at = 0;
        let mut same = true;
        while let Some((_, end, fits)) = self.next_change(cur, new, at) {
            if !fits {
                return (false, false);
            }
            same = false;
            at = end;
        }
        (true, same)
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
/// `mem` and the write `(off, new)` (whole program units) that reaches it,
/// if any.
///
/// A sector holding a valid ROMFS header is always erased, so that the old
/// image stops being mountable before anything in it changes: only that
/// sector if the write brings the same bytes (a re-deploy of the same
/// image), else the largest block.
pub fn plan_unit(seg: &Segment, mem: &[u8], s: Sector, pending_end: u32, write: Option<(u32, &[u8])>) -> UnitPlan {
    let rules = Rules::of(seg);
    if s.size == 0 {
        return UnitPlan::Refuse;
    }
    let (a, b) = (seg.clip(s.start), seg.clip(s.end()));
    let old = mem.get(a as usize..b as usize).unwrap_or_default();
    if is_blank(old, rules.erased) {
        return UnitPlan::Keep;
    }
    let header = a == 0 && has_magic(mem);
    let (mut fits, mut same) = (false, false);
    if let (true, Some((off, new))) = (cfg!(feature = "rewrite-skip"), write) {
        if off <= a {
            if let Some(new) = new.get((a - off) as usize..(b - off) as usize) {
                (fits, same) = rules.compare(old, new);
            }
        }
    }
    if fits && !header {
        return UnitPlan::Keep;
    }
    if !seg.contains(s) {
        return UnitPlan::Refuse;
    }
    let size = if header && same { s.size } else { seg.erase_size(s, pending_end) };
    UnitPlan::Erase { off: a, size }
}
