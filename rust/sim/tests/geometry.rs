//! Sector tables at their edges, op 6's granularity, and erase-op choice.
//! Builds without `sector-table` take only one sector size and segments on
//! sector boundaries; they must refuse the others.

use mp_romfs::bindings::{MP_ROMFS_NO_ERASE, MP_ROMFS_WRITE_ONCE};
use mp_romfs::geometry::{Geometry, Sector, Segment};
use mp_romfs_sim::nor::profiles::*;
use mp_romfs_sim::nor::Profile;

const K: u32 = 1024;

fn geom(p: &'static Profile, base: u32) -> Geometry<'static> {
    Geometry::new(Box::leak(Box::new(p.raw_geometry(base))), p.runs)
}

fn sector(start: u32, size: u32) -> Sector {
    Sector { start, size }
}

const NONE: Sector = Sector { start: 0, size: 0 };

#[test]
fn sector_at_f767_boundaries() {
    let g = geom(&STM32F767, 0x0800_0000);
    let cases = [
        (0x07ff_ffff, NONE),
        (0x0800_0000, sector(0x0800_0000, 32 * K)),
        (0x0800_7fff, sector(0x0800_0000, 32 * K)),
        (0x0800_8000, sector(0x0800_8000, 32 * K)),
        (0x0801_ffff, sector(0x0801_8000, 32 * K)),
        (0x0802_0000, sector(0x0802_0000, 128 * K)),
        (0x0803_ffff, sector(0x0802_0000, 128 * K)),
        (0x0804_0000, sector(0x0804_0000, 256 * K)),
        (0x081f_ffff, sector(0x081c_0000, 256 * K)),
        (0x0820_0000, NONE),
    ];
    for (addr, want) in cases {
        assert_eq!(g.sector_at(addr), want, "address {addr:#x}");
    }
}

#[test]
fn sector_at_f429_second_bank() {
    let g = geom(&STM32F429, 0x0800_0000);
    assert_eq!(g.sector_at(0x080f_ffff), sector(0x080e_0000, 128 * K));
    assert_eq!(g.sector_at(0x0810_0000), sector(0x0810_0000, 16 * K));
    assert_eq!(g.sector_at(0x0811_0000), sector(0x0811_0000, 64 * K));
    assert_eq!(g.sector_at(0x081f_ffff), sector(0x081e_0000, 128 * K));
    assert_eq!(g.sector_at(0x0820_0000), NONE);
}

#[test]
fn sector_at_uniform_nor_and_top_of_address_space() {
    let g = geom(&W25Q128, 0);
    assert_eq!(g.sector_at(0), sector(0, 4 * K));
    assert_eq!(g.sector_at(0xfff), sector(0, 4 * K));
    assert_eq!(g.sector_at(0x1000), sector(0x1000, 4 * K));
    assert_eq!(g.sector_at(0xff_ffff), sector(0xff_f000, 4 * K));
    assert_eq!(g.sector_at(0x100_0000), NONE);
    // A device that ends exactly at the top of the 32-bit address space.
    let top = geom(&W25Q128, 0xff00_0000);
    assert_eq!(top.sector_at(0xffff_ffff), sector(0xffff_f000, 4 * K));
}

fn seg(p: &'static Profile, base: u32, off: u32, len: u32) -> Segment<'static> {
    Segment::new(base + off, len, geom(p, base)).unwrap()
}

/// Op 6 of a segment, or `None` if this build refuses it.
fn op6(p: &'static Profile, base: u32, off: u32, len: u32) -> Option<u32> {
    Segment::new(base + off, len, geom(p, base)).ok().map(|s| s.min_prepare())
}

#[test]
fn min_prepare_by_geometry() {
    let f7 = 0x0800_0000;
    // (name, segment, op 6, whether it is one sector size with the segment
    // on sector boundaries: the layouts a build without `sector-table`
    // takes).
    // (chip, flash base, segment offset, segment length), as op6 takes them.
    type Layout = (&'static Profile, u32, u32, u32);
    let cases: &[(&str, Layout, u32, bool)] = &[
        // Whole F767: 4x32K+128K = 256K, then 256K sectors.
        ("F767 whole", (&STM32F767, f7, 0, 2048 * K), 256 * K, false),
        // The 256K sectors only.
        ("F767 256K part", (&STM32F767, f7, 256 * K, 1792 * K), 256 * K, false),
        // Starting at the 128K sector: 128K, then 256K sectors; 256K-aligned
        // offsets (256K, 512K..) fall inside sectors: no granularity.
        ("F767 from 128K sector", (&STM32F767, f7, 128 * K, 1920 * K), 0, false),
        // Starting inside the small sectors (sector 2): no granularity.
        ("F767 from sector 2", (&STM32F767, f7, 64 * K, 1984 * K), 0, false),
        // The small sectors only: 32K.
        ("F767 small sectors", (&STM32F767, f7, 0, 128 * K), 32 * K, false),
        // F429 bank 1: 16K x4, 64K, 128K x7: 128K multiples are boundaries.
        ("F429 bank 1", (&STM32F429, f7, 0, 1024 * K), 128 * K, false),
        ("H743", (&STM32H743, f7, 0, 2048 * K), 128 * K, true),
        ("W25Q128 8M", (&W25Q128, 0, 0, 8192 * K), 4 * K, true),
        ("W25Q128 ends in a sector", (&W25Q128, 0, 0, 8192 * K - 1024), 0, false),
        ("W25Q128 starts in a sector", (&W25Q128, 0, 1024, 8 * K), 0, false),
        ("SAMD21 12K", (&SAMD21, 0, 236 * K, 12 * K), 256, true),
        ("SAMD51 64K", (&SAMD51, 0, 448 * K, 64 * K), 8 * K, true),
        ("Alif MRAM 1M", (&ALIF_MRAM, 0x8000_0000, 0x47_e000, 1024 * K), 4 * K, true),
        ("IS25WX256 16M", (&IS25WX256, 0, 0, 16 * 1024 * K), 4 * K, true),
    ];
    for &(name, (p, base, off, len), want, uniform) in cases {
        // A chip's rules need their features too.
        let flags = u32::from(p.flags);
        let rules = (flags & MP_ROMFS_WRITE_ONCE == 0 || cfg!(feature = "write-once"))
            && (flags & MP_ROMFS_NO_ERASE == 0 || cfg!(feature = "no-erase"));
        let want = (rules && (cfg!(feature = "sector-table") || uniform)).then_some(want);
        assert_eq!(op6(p, base, off, len), want, "{name}");
    }
}

#[test]
fn segments_the_core_refuses() {
    let g = geom(&W25Q128, 0);
    assert!(Segment::new(0, 0x100_0000, g).is_ok());
    assert!(Segment::new(0, 0x100_0001, g).is_err(), "past the device");
    assert!(Segment::new(0xffff_f000, 0x2000, g).is_err(), "wraps the address space");
    assert!(Segment::new(0, 4, g).is_err(), "smaller than the held header");
    let h7 = geom(&STM32H743, 0);
    assert!(Segment::new(0, 128 * K + 16, h7).is_err(), "not whole 32-byte flash words");
}

#[test]
fn erase_size_prefers_aligned_blocks_inside_the_limit() {
    // Segment offsets (the segments start at the chip's start).  Without
    // `block-erase`, always the sector.
    let b = |size: u32| if cfg!(feature = "block-erase") { size } else { 4 * K };
    let s = seg(&W25Q128, 0, 0, 8192 * K);
    // 64K-aligned with 64K of room: a 64K block.
    assert_eq!(s.erase_size(0, 64 * K), b(64 * K));
    // Only 32K of room: the 32K block.
    assert_eq!(s.erase_size(0, 40 * K), b(32 * K));
    // 32K-aligned but not 64K-aligned: 32K block.
    assert_eq!(s.erase_size(32 * K, 128 * K), b(32 * K));
    // Not block-aligned: the sector.
    assert_eq!(s.erase_size(4 * K, 128 * K), 4 * K);
    // IS25WX has no 32K block: the sector when 64K does not fit.
    let is = seg(&IS25WX256, 0, 0, 1024 * K);
    assert_eq!(is.erase_size(0, 40 * K), 4 * K);
    assert_eq!(is.erase_size(64 * K, 1024 * K), b(64 * K));
}

#[test]
fn c_profile_ids_match_the_table() {
    use mp_romfs_sim::ffi::*;
    let ids = [
        (MP_ROMFS_SIM_STM32F767, "STM32F767"),
        (MP_ROMFS_SIM_STM32F429, "STM32F429"),
        (MP_ROMFS_SIM_STM32H743, "STM32H743"),
        (MP_ROMFS_SIM_SAMD21, "SAMD21"),
        (MP_ROMFS_SIM_SAMD51, "SAMD51"),
        (MP_ROMFS_SIM_W25Q128, "W25Q128JV"),
        (MP_ROMFS_SIM_IS25WX256, "IS25WX256"),
        (MP_ROMFS_SIM_ALIF_MRAM, "Alif MRAM"),
    ];
    for (id, name) in ids {
        assert_eq!(ALL[id as usize].name, name);
    }
}
