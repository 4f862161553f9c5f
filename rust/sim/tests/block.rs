//! The block view (`romfs.segment(id)`): blocks from op 6, the simple and
//! extended `writeblocks`, `readblocks` with a held header, `ioctl` 1-6,
//! bad arguments, and the commit of an image written from offset 0.
//! Power loss on mpremote's block-device sequence is in powerloss.rs.
//! (Builds without the `blockdev` feature have no block view: SAMD21.)
#![cfg(feature = "blockdev")]

use mp_romfs_sim::clients::Client;
use mp_romfs_sim::image::{holds, image};
use mp_romfs_sim::rig::Rig;

const EINVAL: isize = -22;
const EIO: isize = -5;
use mp_romfs::block::NONE;
use mp_romfs_sim::nor::profiles::*;
use mp_romfs_sim::nor::Profile;

const K: u32 = 1024;

/// One segment per chip profile: (name, profile, device base, segment
/// address, length, expected block size).
fn segments() -> Vec<(&'static str, &'static Profile, u32, u32, u32, u32)> {
    vec![
        ("STM32F767 256K", &STM32F767, 0x0800_0000, 0x0804_0000, 512 * K, 256 * K),
        ("STM32F767 from 32K", &STM32F767, 0x0800_0000, 0x0800_8000, 0x98000, 0x98000),
        ("STM32H743", &STM32H743, 0x0800_0000, 0x0810_0000, 256 * K, 128 * K),
        ("SAMD21", &SAMD21, 0, 236 * K, 12 * K, 256),
        ("SAMD51", &SAMD51, 0, 448 * K, 64 * K, 8 * K),
        ("W25Q128", &W25Q128, 0, 0, 256 * K, 4 * K),
        ("IS25WX256", &IS25WX256, 0, 0, 256 * K, 4 * K),
        ("Alif MRAM", &ALIF_MRAM, 0x8000_0000, 0x8000_0000, 64 * K, 4 * K),
    ]
}

fn nor() -> Rig {
    Rig::new(&W25Q128, 0, 64 * K, 256 * K)
}

fn f767() -> Option<Rig> {
    Rig::new(&STM32F767, 0x0800_0000, 0x0804_0000, 512 * K).if_supported()
}

#[test]
fn blocks_are_op6_granules_or_the_whole_segment() {
    for (name, profile, base, addr, len, bs) in segments() {
        let Some(mut rig) = Rig::new(profile, base, addr, len).if_supported() else { continue };
        let g = rig.min_prepare();
        assert_eq!(rig.blk_ioctl(5, 0), bs as isize, "{name}: block size");
        assert_eq!(bs as isize, if g > 0 { g } else { len as isize }, "{name}: op 6 or the segment");
        assert_eq!(rig.blk_ioctl(4, 0), (len / bs) as isize, "{name}: block count");
        for op in [1, 2, 3] {
            assert_eq!(rig.blk_ioctl(op, 0), 0, "{name}: ioctl({op})");
        }
        for op in [0, 7, -1, isize::MAX] {
            assert_eq!(rig.blk_ioctl(op, 0), NONE, "{name}: ioctl({op}) is not defined");
        }
    }
}

#[test]
fn an_image_deployed_by_mpremote_lands_and_commits_on_every_profile() {
    for (name, profile, base, addr, len, _) in segments() {
        let Some(mut rig) = Rig::new(profile, base, addr, len).if_supported() else { continue };
        let (old, new) = (image(5_000, 1), image(9_001, 2));
        rig.deploy(Client::Block, &old);
        assert!(holds(rig.mem(), &old), "{name}: first image");
        rig.deploy(Client::Block, &new);
        assert!(holds(rig.mem(), &new), "{name}: second image over the first");
        assert_eq!(rig.sim.stats.violations, 0, "{name}");
    }
}

#[test]
fn ioctl6_erases_one_block_now_and_only_it() {
    let mut rig = nor();
    let data = vec![0x5a; 12 * 1024];
    assert_eq!(rig.writeblocks(0, &data, Some(0)), 0);
    rig.take_log();
    assert_eq!(rig.blk_ioctl(6, 1), 0);
    assert_eq!(rig.take_log().len(), 1, "one 4K sector erase");
    assert!(rig.mem()[..4096].iter().all(|&b| b == 0x5a));
    assert!(rig.mem()[4096..8192].iter().all(|&b| b == 0xff));
    assert!(rig.mem()[8192..12288].iter().all(|&b| b == 0x5a));
    assert_eq!(rig.blk_ioctl(6, 1), 0);
    assert!(rig.take_log().is_empty(), "a blank block is not erased again");
    assert_eq!(rig.blk_ioctl(6, 64), EINVAL, "past the last block");
    assert_eq!(rig.blk_ioctl(6, -1), EINVAL);
}

#[test]
fn ioctl6_on_mram_programs_the_erased_value() {
    let Some(mut rig) = Rig::new(&ALIF_MRAM, 0x8000_0000, 0x8000_0000, 64 * K).if_supported() else { return };
    assert_eq!(rig.writeblocks(0, &[0u8; 8192], Some(0)), 0);
    rig.take_log();
    assert_eq!(rig.blk_ioctl(6, 1), 0);
    assert!(rig.mem()[..4096].iter().all(|&b| b == 0));
    assert!(rig.mem()[4096..8192].iter().all(|&b| b == ALIF_MRAM.erased));
    assert_eq!(rig.take_log().len(), 4096 / 32, "the block programmed in 32-byte pieces, no erase");
}

#[test]
fn the_simple_write_erases_the_blocks_it_covers() {
    let Some(mut rig) = f767() else { return };
    let a = vec![0x11; 256 * 1024];
    let b = vec![0x22; 256 * 1024];
    assert_eq!(rig.writeblocks(1, &a, None), 0);
    assert_eq!(rig.writeblocks(1, &b, None), 0);
    assert!(rig.mem()[256 * 1024..].iter().all(|&x| x == 0x22));
    assert!(rig.mem()[..256 * 1024].iter().all(|&x| x == 0xff), "block 0 untouched");
    assert_eq!(rig.writeblocks(0, &a[..1000], None), EINVAL, "not whole blocks");
    assert_eq!(rig.writeblocks(2, &a, None), EINVAL, "past the end");
}

#[test]
fn the_extended_write_takes_any_offset_and_length() {
    let Some(mut rig) = f767() else { return };
    // F767 programs 32-bit words: pieces of words, merged with what is there.
    assert_eq!(rig.writeblocks(0, &[1, 2, 3], Some(5)), 0);
    assert_eq!(rig.writeblocks(0, &[4, 5], Some(8)), 0);
    assert_eq!(rig.writeblocks(1, &[6], Some(3)), 0);
    assert_eq!(&rig.mem()[4..11], &[0xff, 1, 2, 3, 4, 5, 0xff]);
    assert_eq!(rig.mem()[256 * 1024 + 3], 6);
    let mut buf = [0; 7];
    assert_eq!(rig.readblocks(0, &mut buf, 4), 0);
    assert_eq!(buf, [0xff, 1, 2, 3, 4, 5, 0xff]);
    assert_eq!(rig.sim.stats.violations, 0);
}

#[test]
fn an_extended_write_that_needs_an_erase_is_refused_and_changes_nothing() {
    let mut rig = nor();
    assert_eq!(rig.writeblocks(0, &[0x0f; 100], Some(10)), 0);
    let before = rig.mem().to_vec();
    // The first bytes could be programmed; the last needs bits set: nothing
    // of it may be written.
    let mut data = vec![0x0f; 100];
    data[99] = 0xf0;
    assert_eq!(rig.writeblocks(0, &data, Some(0)), EIO);
    assert_eq!(rig.mem(), &before[..]);
}

#[test]
fn bad_arguments_change_nothing() {
    let mut rig = nor();
    assert_eq!(rig.writeblocks(0, &[0x0f; 100], Some(0)), 0);
    let before = rig.mem().to_vec();
    let mut buf = [0u8; 8];
    for (block, off, len) in
        [(-1, 0, 1), (0, -1, 1), (64, 0, 1), (63, 4095, 2), (0, 256 * 1024, 1), (isize::MAX, 0, 1), (1, isize::MAX, 1)]
    {
        assert_eq!(rig.writeblocks(block, &vec![0; len], Some(off)), EINVAL, "write ({block}, {off}, {len})");
        assert_eq!(rig.readblocks(block, &mut buf[..len], off), EINVAL, "read ({block}, {off}, {len})");
    }
    assert_eq!(rig.writeblocks(64, &[0; 4096], None), EINVAL);
    assert_eq!(rig.writeblocks(0, &[0; 4095], None), EINVAL);
    assert_eq!(rig.mem(), &before[..]);
    assert_eq!(rig.writeblocks(63, &[], Some(4096)), 0, "nothing at the very end");
}

#[test]
fn an_image_written_out_of_order_is_held_until_sync() {
    let mut rig = nor();
    let img = image(10_000, 3);
    for b in 0..3 {
        assert_eq!(rig.blk_ioctl(6, b), 0);
    }
    for off in (0..img.len()).step_by(1000).rev() {
        let end = img.len().min(off + 1000);
        assert_eq!(rig.writeblocks(0, &img[off..end], Some(off as isize)), 0);
    }
    assert_eq!(&rig.mem()[..3], &[0xff; 3], "the header is held");
    let mut head = [0; 3];
    assert_eq!(rig.readblocks(0, &mut head, 0), 0);
    assert_eq!(head, [0xd2, 0xcd, 0x31], "readblocks shows the held header");
    assert_eq!(rig.blk_ioctl(3, 0), 0);
    assert!(holds(rig.mem(), &img));
}

#[test]
fn an_image_written_in_order_commits_itself() {
    let mut rig = nor();
    let img = image(10_000, 4);
    for b in 0..3 {
        assert_eq!(rig.blk_ioctl(6, b), 0);
    }
    for off in (0..img.len()).step_by(4096) {
        let end = img.len().min(off + 4096);
        assert_eq!(&rig.mem()[..3], &[0xff; 3], "held while bytes are missing");
        assert_eq!(rig.writeblocks((off / 4096) as isize, &img[off..end], Some(0)), 0);
    }
    assert!(holds(rig.mem(), &img), "committed after the last byte, without sync");
}

#[test]
fn a_failed_write_leaves_no_image() {
    let mut rig = nor();
    let img = image(10_000, 5);
    assert_eq!(rig.writeblocks(2, &[0; 16], Some(0)), 0, "bytes in the way");
    for b in 0..2 {
        assert_eq!(rig.blk_ioctl(6, b), 0);
    }
    assert_eq!(rig.writeblocks(0, &img[..8192], Some(0)), 0);
    assert_eq!(rig.writeblocks(2, &img[8192..], Some(0)), EIO);
    assert_eq!(rig.blk_ioctl(3, 0), EIO, "sync reports the failed deploy");
    assert_eq!(&rig.mem()[..3], &[0xff; 3], "and commits nothing");
}

#[test]
fn a_pending_rom_ioctl_prepare_is_dropped_by_the_block_view() {
    let mut rig = nor();
    assert_eq!(rig.writeblocks(1, &[0; 16], Some(0)), 0);
    assert!(rig.prepare_at(0, 8192) > 0);
    assert_eq!(rig.writeblocks(0, &[1; 16], Some(0)), 0);
    assert!(rig.mem()[4096..4112].iter().all(|&b| b == 0), "block 1 was not erased later");
    assert_eq!(rig.write(4096, &[0xff; 4]), EIO, "nor by rom_ioctl after it");
}

#[test]
fn a_block_that_cannot_be_erased_whole_is_erased_where_it_can_and_reported() {
    // F767 flash from sector 1 to the middle of sector 6: op 6 is 0, so the
    // block is the segment, and its last 128K share sector 6 with flash
    // outside.
    let Some(mut rig) = Rig::new(&STM32F767, 0x0800_0000, 0x0800_8000, 0x98000).if_supported() else { return };
    assert_eq!(rig.blk_ioctl(5, 0), 0x98000);
    assert_eq!(rig.writeblocks(0, &[0; 16], Some(0)), 0);
    assert_eq!(rig.blk_ioctl(6, 0), 0, "the shared sector's bytes are blank");
    assert_eq!(rig.writeblocks(0, &[0; 16], Some(0x90000)), 0);
    assert_eq!(rig.writeblocks(0, &[0; 16], Some(0)), 0);
    rig.take_log();
    assert_eq!(rig.blk_ioctl(6, 0), EIO);
    assert_eq!(rig.take_log().len(), 1, "sector 1 erased, sector 6 not");
    assert!(rig.mem()[..0x90000].iter().all(|&b| b == 0xff));
    assert_eq!(&rig.mem()[0x90000..0x90010], &[0; 16]);
    // mpremote goes on writing its image at the start: it lands.
    let img = image(5000, 7);
    assert_eq!(rig.writeblocks(0, &img, Some(0)), 0);
    assert!(holds(rig.mem(), &img));
}
