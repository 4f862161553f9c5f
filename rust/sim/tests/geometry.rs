//! Sector tables at their edges, op 6's granularity, and erase-op choice.

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

#[test]
fn min_prepare_by_geometry() {
    let f7 = 0x0800_0000;
    let cases: &[(&str, Segment, u32)] = &[
        // Whole F767: 4x32K+128K = 256K, then 256K sectors.
        ("F767 whole", seg(&STM32F767, f7, 0, 2048 * K), 256 * K),
        // The 256K sectors only.
        ("F767 256K part", seg(&STM32F767, f7, 256 * K, 1792 * K), 256 * K),
        // Starting at the 128K sector: 128K, then 256K sectors; 256K-aligned
        // offsets (256K, 512K..) fall inside sectors: no granularity.
        ("F767 from 128K sector", seg(&STM32F767, f7, 128 * K, 1920 * K), 0),
        // Starting inside the small sectors (sector 2): no granularity.
        ("F767 from sector 2", seg(&STM32F767, f7, 64 * K, 1984 * K), 0),
        // The small sectors only: 32K.
        ("F767 small sectors", seg(&STM32F767, f7, 0, 128 * K), 32 * K),
        // F429 bank 1: 16K x4, 64K, 128K x7: 128K multiples are boundaries.
        ("F429 bank 1", seg(&STM32F429, f7, 0, 1024 * K), 128 * K),
        ("H743", seg(&STM32H743, f7, 0, 2048 * K), 128 * K),
        ("W25Q128 8M", seg(&W25Q128, 0, 0, 8192 * K), 4 * K),
        ("W25Q128 ends in a sector", seg(&W25Q128, 0, 0, 8192 * K - 1024), 0),
        ("W25Q128 starts in a sector", seg(&W25Q128, 0, 1024, 8 * K), 0),
        ("SAMD21 12K", seg(&SAMD21, 0, 236 * K, 12 * K), 256),
        ("SAMD51 64K", seg(&SAMD51, 0, 448 * K, 64 * K), 8 * K),
        ("Alif MRAM 1M", seg(&ALIF_MRAM, 0x8000_0000, 0x47_e000, 1024 * K), 4 * K),
        ("IS25WX256 16M", seg(&IS25WX256, 0, 0, 16 * 1024 * K), 4 * K),
    ];
    for (name, s, want) in cases {
        assert_eq!(s.min_prepare(), *want, "{name}");
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
    let s = seg(&W25Q128, 0, 0, 8192 * K);
    let at = |a: u32| Sector { start: a, size: 4 * K };
    // 64K-aligned with 64K of room: a 64K block.
    assert_eq!(s.erase_size(at(0), 64 * K), 64 * K);
    // Only 32K of room: the 32K block.
    assert_eq!(s.erase_size(at(0), 40 * K), 32 * K);
    // 32K-aligned but not 64K-aligned: 32K block.
    assert_eq!(s.erase_size(at(32 * K), 128 * K), 32 * K);
    // Not block-aligned: the sector.
    assert_eq!(s.erase_size(at(4 * K), 128 * K), 4 * K);
    // IS25WX has no 32K block: the sector when 64K does not fit.
    let is = seg(&IS25WX256, 0, 0, 1024 * K);
    assert_eq!(is.erase_size(at(0), 40 * K), 4 * K);
    assert_eq!(is.erase_size(at(64 * K), 1024 * K), 64 * K);
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
