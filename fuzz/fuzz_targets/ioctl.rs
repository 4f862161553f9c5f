//! Random `vfs.rom_ioctl` and block-view call sequences on six simulated
//! segments, every call checked by `mp_romfs_sim::oracle::Harness` (no illegal
//! flash operation, refused calls change nothing, accepted calls change
//! only what they may), ending with a full deploy through each path that
//! must land.  A broken rule panics, which libFuzzer reports as a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mp_romfs_sim::oracle::{BlockCall, Harness};
use mp_romfs_sim::nor::profiles::*;

const K: u32 = 1024;

fn harness(which: u8) -> Harness {
    match which % 6 {
        0 => Harness::new(&W25Q128, 0, 64 * K, 256 * K),
        1 => Harness::new(&STM32F767, 0x0800_0000, 0x0800_0000, 512 * K),
        2 => Harness::new(&STM32H743, 0x0800_0000, 0x0802_0000, 256 * K),
        3 => Harness::new(&SAMD21, 0, 236 * K, 12 * K),
        4 => Harness::new(&ALIF_MRAM, 0x8000_0000, 0x8000_0000, 64 * K),
        _ => Harness::new(&STM32F767, 0x0800_0000, 0x0801_8000, 200 * K),
    }
}

/// Reads fuzz bytes as integers and buffers.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    /// An integer biased towards interesting values: small, aligned, near
    /// the segment's end, negative, huge.
    fn int(&mut self, len: u32) -> Option<isize> {
        let kind = self.byte()?;
        let x = u32::from_le_bytes([self.byte()?, self.byte()?, self.byte()?, self.byte()?]);
        Some(match kind % 8 {
            0 => (x % 64) as isize,
            1 => ((x % 512) * 4096) as isize,
            2 => len as isize - (x % 64) as isize,
            3 => (x % (len + 4096)) as isize,
            4 => -((x % 5000) as isize),
            5 => isize::MAX - (x % 3) as isize,
            6 => x as isize,
            _ => ((x % 64) * 32768) as isize,
        })
    }
}

fn image(len: usize, seed: u8) -> Vec<u8> {
    let payload = (len - 7) as u32;
    let mut v = vec![0xd2, 0xcd, 0x31, 0x80 | (payload >> 21) as u8 & 0x7f, 0x80 | (payload >> 14) as u8 & 0x7f, 0x80 | (payload >> 7) as u8 & 0x7f, payload as u8 & 0x7f];
    v.extend((0..len - 7).map(|i| (i as u8).wrapping_mul(seed | 1)));
    v
}

fn run(data: &[u8]) -> Result<(), String> {
    let mut input = Input(data);
    let Some(which) = input.byte() else { return Ok(()) };
    let mut h = harness(which);
    h.deploy(&image(9000, which))?;
    while let Some(op) = input.byte() {
        let len = h.len;
        let Some(a) = input.int(len) else { break };
        let Some(b) = input.int(len) else { break };
        // Blocks -1..8, block-view ioctls -1..8.
        let n = a.rem_euclid(10) - 1;
        let _ = match op % 12 {
            0 => h.call(&[3, 0, a], &[])?,
            1 => h.call(&[3, 0, a, b], &[])?,
            2 | 3 => {
                let n = (b.unsigned_abs() % 9000) as usize;
                let buf: Vec<u8> = (0..n).map(|i| (i as u8) ^ op).collect();
                h.call(&[4, 0, a, 0], &buf)?
            }
            4 => h.call(&[5, 0], &[])?,
            5 => h.call(&[6, (op >> 3) as isize % 3 - 1], &[])?,
            6 => h.call(&[(op >> 3) as isize, 0, a, b][..(op as usize >> 5) % 5], &[])?,
            7 => h.call(&[2, a], &[])?,
            8 => h.block(&BlockCall::Read(n, b, (b.unsigned_abs() % 5000) as usize))?,
            9 => h.block(&BlockCall::Write(n, Some(b), (0..(a.unsigned_abs() % 5000)).map(|i| i as u8 ^ op).collect()))?,
            10 => {
                let bs = h.block(&BlockCall::Ioctl(5, 0))? as usize;
                let len = if bs <= 16384 { bs * (b.unsigned_abs() % 3) } else { b.unsigned_abs() % 64 };
                h.block(&BlockCall::Write(n, None, (0..len).map(|i| (i as u8).wrapping_mul(op)).collect()))?
            }
            _ => h.block(&BlockCall::Ioctl(b.rem_euclid(10) - 1, n))?,
        };
    }
    let img = image(6000, which.wrapping_add(1));
    h.deploy(&img)?;
    if h.mem()[..img.len()] != img[..] {
        return Err("a full deploy did not land".into());
    }
    let img = image(7000, which.wrapping_add(2));
    h.deploy_block(&img)?;
    if h.mem()[..img.len()] != img[..] {
        return Err("a full deploy through the block view did not land".into());
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if let Err(e) = run(data) {
        panic!("{e}");
    }
});
