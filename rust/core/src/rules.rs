//! The write rules of a segment's memory and the pure questions the engine
//! asks about bytes: the ROMFS magic and length, blank bytes.  Nothing here
//! touches flash.
#![forbid(unsafe_code)]

use crate::geometry::Segment;

/// The ROMFS magic: record kind 0x14a6b1 as a varuint ("RM1").
pub const MAGIC: [u8; 3] = [0xd2, 0xcd, 0x31];

/// Whether `mem` starts with the ROMFS magic (a mountable-looking image).
pub fn has_magic(mem: &[u8]) -> bool {
    // MAGIC, as three byte compares (no call, no constant in flash).
    matches!(mem, [0xd2, 0xcd, 0x31, ..])
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
}
