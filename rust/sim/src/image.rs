//! ROMFS-looking images for tests, and the mount rule of `vfs.VfsRom`.

use std::vec::Vec;

/// A ROMFS-looking image of `len` bytes (`len` >= 8): the magic, the payload
/// length as a 4-byte varuint, then a pattern from `seed`.
pub fn image(len: usize, seed: u32) -> Vec<u8> {
    assert!(len >= 8);
    let payload = (len - 3 - 4) as u32;
    let mut v = std::vec![0xd2, 0xcd, 0x31];
    v.extend_from_slice(&[
        0x80 | (payload >> 21) as u8 & 0x7f,
        0x80 | (payload >> 14) as u8 & 0x7f,
        0x80 | (payload >> 7) as u8 & 0x7f,
        payload as u8 & 0x7f,
    ]);
    let mut x = seed.wrapping_mul(2654435761).wrapping_add(1);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    v
}

/// Whether `mem` holds exactly `image` at its start.
pub fn holds(mem: &[u8], image: &[u8]) -> bool {
    mem.len() >= image.len() && &mem[..image.len()] == image
}

/// What `vfs.VfsRom` would mount from `mem` on a 32-bit board whose
/// segment is mapped at `base`: the bytes of the image, if the magic is
/// there and the length record, decoded into a wrapping 32-bit word as
/// MicroPython does, puts the image's end (a wrapping 32-bit address) inside
/// the segment.
pub fn mountable(mem: &[u8], base: u32) -> Option<&[u8]> {
    if mem.get(..3)? != [0xd2, 0xcd, 0x31] {
        return None;
    }
    let mut len: u32 = 0;
    let mut at = 3;
    loop {
        let b = *mem.get(at)?;
        at += 1;
        len = (len << 7) | u32::from(b & 0x7f);
        if b & 0x80 == 0 {
            break;
        }
    }
    let start = base.wrapping_add(at as u32);
    let end = start.wrapping_add(len);
    if end > base.wrapping_add(mem.len() as u32) {
        return None;
    }
    // A wrapped end mounts too, with whatever bytes that range reads as.
    Some(mem.get(..(end.wrapping_sub(base)) as usize).unwrap_or(mem))
}
