//! The pure questions the engine asks about bytes: the ROMFS magic and
//! length, blank bytes.  Nothing here touches flash.
#![forbid(unsafe_code)]

/// The ROMFS magic: record kind 0x14a6b1 as a varuint ("RM1").
pub const MAGIC: [u8; 3] = [0xd2, 0xcd, 0x31];

/// Whether `mem` starts with the ROMFS magic (a mountable-looking image).
pub fn has_magic(mem: &[u8]) -> bool {
    // MAGIC, as three byte compares (no call, no constant in flash).
    matches!(mem, [0xd2, 0xcd, 0x31, ..])
}

/// Total length of the image whose first bytes are `head`: the magic, the
/// payload length as a varuint, and the payload.  `None` if `head` does not
/// start with the magic or the length does not end within `head` (a length
/// that overflows 32 bits wraps: no segment holds such an image).
pub fn image_len(head: &[u8]) -> Option<u32> {
    // MAGIC, then the varuint.
    let [0xd2, 0xcd, 0x31, rest @ ..] = head else {
        return None;
    };
    let mut len: u32 = 0;
    for (i, &b) in (4..).zip(rest) {
        len = len << 7 | u32::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some(len.wrapping_add(i));
        }
    }
    None
}

/// Whether all bytes equal the erased value.
pub fn is_blank(bytes: &[u8], erased: u8) -> bool {
    bytes.iter().all(|&b| b == erased)
}
