//! The segments every randomized and exhaustive test runs on (the property
//! test, the fuzz target, the power-loss and interrupt tests, the bench):
//! each chip profile, with partitions on sector boundaries and off them.

use std::vec::Vec;

use crate::nor::profiles::*;
use crate::nor::Profile;
use crate::rig::Rig;

const K: u32 = 1024;

/// A segment of a simulated device, and two image sizes that fit it (an
/// old one and a new one).
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// For reports.
    pub name: &'static str,
    /// The chip.
    pub profile: &'static Profile,
    /// Device address of the chip's first sector.
    pub base: u32,
    /// Device address of the segment.
    pub addr: u32,
    /// Length of the segment.
    pub len: u32,
    /// An old and a new image length.
    pub images: (usize, usize),
}

impl Setup {
    /// A rig of the segment, erased.
    pub fn rig(&self) -> Rig {
        Rig::new(self.profile, self.base, self.addr, self.len)
    }
}

const fn setup(
    name: &'static str,
    profile: &'static Profile,
    base: u32,
    addr: u32,
    len: u32,
    images: (usize, usize),
) -> Setup {
    Setup { name, profile, base, addr, len, images }
}

/// Every setup.
pub const ALL: &[Setup] = &[
    setup("STM32F767 256K sectors", &STM32F767, 0x0800_0000, 0x0804_0000, 512 * K, (20_000, 30_000)),
    setup("STM32F767 32K/128K sectors", &STM32F767, 0x0800_0000, 0x0800_0000, 256 * K, (50_000, 70_000)),
    setup("STM32F767 off sector edges", &STM32F767, 0x0800_0000, 0x0801_8000, 200 * K, (40_000, 9_000)),
    setup("STM32H743 (write-once)", &STM32H743, 0x0800_0000, 0x0810_0000, 256 * K, (80_000, 9_000)),
    setup("SAMD21 rows", &SAMD21, 0, 236 * K, 12 * K, (5_000, 9_000)),
    setup("SAMD51 blocks", &SAMD51, 0, 448 * K, 64 * K, (20_000, 12_000)),
    setup("SAMD51 shared last block", &SAMD51, 0, 448 * K, 60 * K, (20_000, 40_000)),
    setup("W25Q128 4K/32K/64K", &W25Q128, 0, 0, 256 * K, (40_000, 100_000)),
    setup("IS25WX256 4K/64K", &IS25WX256, 0, 0, 256 * K, (70_000, 30_000)),
    setup("Alif MRAM", &ALIF_MRAM, 0x8000_0000, 0x8000_0000, 64 * K, (20_000, 30_001)),
];

/// The setups this build of the core takes (its features cover their rules
/// and layouts).
pub fn supported() -> Vec<&'static Setup> {
    ALL.iter().filter(|s| s.rig().supported()).collect()
}
