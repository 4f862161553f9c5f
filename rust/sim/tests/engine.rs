//! Ops 3-6 on simulated chips: whole operation logs (the executed plans),
//! contents, and the refusals that must change nothing.

mod common;

use common::*;
use mp_romfs_sim::nor::profiles::*;
use mp_romfs_sim::nor::Op;

const K: u32 = 1024;

fn erase(addr: u32, size: u32) -> Op {
    Op::Erase { addr, size }
}

fn program(addr: u32, len: u32) -> Op {
    Op::Program { addr, len }
}

/// An 8 MiB W25Q128 segment at the start of the chip.
fn nor() -> Rig {
    Rig::new(&W25Q128, 0, 0, 8192 * K)
}

#[test]
fn blank_flash_deploy_erases_nothing() {
    let mut rig = nor();
    let img = image(10_000, 1);
    rig.deploy_1_29(&img);
    let log = rig.take_log();
    assert!(log.iter().all(|op| matches!(op, Op::Program { .. })), "{log:?}");
    assert!(holds(rig.mem(), &img));
    assert_eq!(rig.sim.stats.violations, 0);
}

#[test]
fn prepare_is_deferred_and_write_erases_with_blocks() {
    let mut rig = nor();
    rig.deploy_1_29(&image(200 * K as usize, 1));
    rig.take_log();
    let img = image(100 * K as usize, 2);
    // mpremote 1.29.0: op 6 is 4K, prepares of 32K.
    assert_eq!(rig.min_prepare(), 4096);
    for off in (0..100 * K).step_by(32 * K as usize) {
        assert_eq!(rig.prepare_at(off, (100 * K - off).min(32 * K).div_ceil(4 * K) * 4 * K), 1);
    }
    // The prepare from offset 0 begins the deploy by zeroing the old magic
    // (one byte here); nothing is erased yet.
    assert_eq!(rig.take_log(), vec![program(0, 1)]);
    assert_ne!(&rig.mem()[..3], &[0xd2, 0xcd, 0x31], "the old image no longer mounts");
    // The first chunk: the first 64K block is erased (the new bytes differ,
    // so the block erase is worth it); the chunk is programmed except the
    // held 8 header bytes.
    assert_eq!(rig.write(0, &img[..4096]), 0);
    assert_eq!(rig.take_log(), vec![erase(0, 64 * K), program(8, 4088)]);
    for off in (4 * K..64 * K).step_by(4096) {
        assert_eq!(rig.write(off, &img[off as usize..off as usize + 4096]), 0);
    }
    assert_eq!(rig.take_log().iter().filter(|op| matches!(op, Op::Erase { .. })).count(), 0);
    // The next 64K block: one block erase.  The last 36K (pending ends at
    // 100K): a 32K block, then a 4K sector.
    for off in (64 * K..100 * K).step_by(4096) {
        assert_eq!(rig.write(off, &img[off as usize..off as usize + 4096]), 0);
    }
    let erases: Vec<Op> = rig.take_log().into_iter().filter(|op| matches!(op, Op::Erase { .. })).collect();
    assert_eq!(erases, vec![erase(64 * K, 32 * K), erase(96 * K, 4 * K)]);
    // Until op 5 the image is not mountable; then it is the new image.
    assert_eq!(&rig.mem()[..3], &[0xff; 3]);
    let syncs = rig.syncs;
    assert_eq!(rig.complete(), 0);
    // The held header: its length first, the magic last.
    assert_eq!(rig.take_log(), vec![program(3, 5), program(0, 3)]);
    assert!(holds(rig.mem(), &img));
    assert_eq!(rig.syncs, syncs + 1, "op 5 calls the cache-maintenance hook");
}

#[test]
fn same_image_redeploy_erases_only_the_first_sector() {
    let mut rig = nor();
    let img = image(256 * K as usize, 3);
    rig.deploy_1_29(&img);
    rig.take_log();
    rig.deploy_1_29(&img);
    let log = rig.take_log();
    // Zero the old magic, erase sector 0, reprogram sector 0 (minus the
    // held header), commit the header (length, then magic): nothing else.
    assert_eq!(log, vec![program(0, 1), erase(0, 4 * K), program(8, 4088), program(3, 5), program(0, 3)]);
    assert!(holds(rig.mem(), &img));
}

#[test]
fn changed_sectors_only_on_partial_change() {
    let mut rig = nor();
    let img = image(64 * K as usize, 4);
    rig.deploy_1_29(&img);
    rig.take_log();
    let mut changed = img.clone();
    changed[20_000] ^= 0x55;
    rig.deploy_1_29(&changed);
    let erases: Vec<Op> = rig.take_log().into_iter().filter(|op| matches!(op, Op::Erase { .. })).collect();
    assert_eq!(erases, vec![erase(0, 4 * K), erase(16 * K, 4 * K)]);
    assert!(holds(rig.mem(), &changed));
}

#[test]
fn f767_sectors_erase_once_each() {
    // The 256K sectors of an F767 (1.75 MiB).
    let mut rig = Rig::new(&STM32F767, 0x0800_0000, 0x0804_0000, 1792 * K);
    rig.deploy_1_29(&image(300 * K as usize, 5));
    rig.take_log();
    let img = image(300 * K as usize, 6);
    rig.deploy_1_29(&img);
    let erases: Vec<Op> = rig.take_log().into_iter().filter(|op| matches!(op, Op::Erase { .. })).collect();
    assert_eq!(erases, vec![erase(0x0804_0000, 256 * K), erase(0x0808_0000, 256 * K)]);
    assert!(holds(rig.mem(), &img));
}

#[test]
fn f767_segment_starting_in_the_128k_sector_uses_the_3_arg_prepare() {
    let mut rig = Rig::new(&STM32F767, 0x0800_0000, 0x0802_0000, 1920 * K);
    assert_eq!(rig.min_prepare(), 0);
    assert_eq!(rig.prepare_at(0, 128 * K), EINVAL);
    let img = image(200 * K as usize, 7);
    rig.deploy_1_29(&img);
    assert!(holds(rig.mem(), &img));
    assert_eq!(rig.sim.stats.violations, 0);
}

#[test]
fn h7_flash_words_are_written_once_and_tails_padded() {
    let mut rig = Rig::new(&STM32H743, 0x0800_0000, 0x0810_0000, 1024 * K);
    assert_eq!(rig.prepare(1000), 32, "op 3 returns the 32-byte flash word");
    let img = image(1000, 8);
    // 1000 bytes: 31 whole flash words and a padded 8-byte tail.
    assert_eq!(rig.write(0, &img), 0);
    assert_eq!(rig.complete(), 0);
    assert!(holds(rig.mem(), &img));
    assert_eq!(&rig.mem()[1000..1024], &[0xff; 24], "tail padded with the erased value");
    // A write into an already programmed flash word is refused, even with
    // compatible bits, and changes nothing.
    let before = rig.mem().to_vec();
    rig.take_log();
    let mut word = img[992..1000].to_vec();
    word.extend_from_slice(&[0x00; 24]);
    assert_eq!(rig.write(992, &word), EIO);
    assert_eq!(rig.take_log(), vec![]);
    assert_eq!(rig.mem(), &before[..]);
}

#[test]
fn write_tails_shorter_than_the_unit_keep_every_byte() {
    // F767: 4-byte words.  Writes of 1..=7 bytes at word offsets.
    let mut rig = Rig::new(&STM32F767, 0x0800_0000, 0x0804_0000, 256 * K);
    assert_eq!(rig.prepare(256 * K), 4);
    let mut off = 4096;
    for n in 1..=7usize {
        let data: Vec<u8> = (0..n as u8).map(|i| 0x10 + i).collect();
        assert_eq!(rig.write(off, &data), 0, "{n} bytes");
        assert_eq!(&rig.mem()[off as usize..off as usize + n], &data[..]);
        let padded = (off as usize + n).next_multiple_of(4);
        assert!(rig.mem()[off as usize + n..padded].iter().all(|&b| b == 0xff));
        off += 8;
    }
    assert_eq!(rig.sim.stats.violations, 0);
}

#[test]
fn refusals_change_nothing() {
    let mut rig = Rig::new(&STM32F767, 0x0800_0000, 0x0804_0000, 512 * K);
    let img = image(4096, 9);
    rig.deploy_1_29(&img);
    let before = rig.mem().to_vec();
    rig.take_log();
    let len = 512 * K as isize;
    let cases: &[(&[isize], &[u8])] = &[
        (&[3, 0, len + 1], &[]),
        (&[3, 0, -1], &[]),
        (&[3, 0, -262144, 262144], &[]),
        (&[3, 0, 262144, 524288], &[]),
        (&[3, 0, 4096, 262144], &[]),
        (&[3, 0, 0, 4096], &[]),
        (&[4, 0, 2, 0], b"abcd"),
        (&[4, 0, -4, 0], b"abcd"),
        (&[4, 0, len - 2, 0], b"abcd"),
        (&[4, 0, len, 0], b"a"),
        (&[4, 0, 0], &[]),
        (&[7, 0], &[]),
        (&[2, 1], &[]),
        (&[2, -1], &[]),
        (&[1, 0], &[]),
        (&[5], &[]),
        (&[6, 0, 0], &[]),
    ];
    for (args, buf) in cases {
        assert_eq!(rig.ioctl(args, buf), EINVAL, "{args:?}");
    }
    assert_eq!(rig.take_log(), vec![]);
    assert_eq!(rig.mem(), &before[..]);
    // A write over an old image without prepare cannot be programmed: EIO,
    // and still nothing changes.
    assert_eq!(rig.write(4096, &[0u8; 16]), 0, "zeros program over anything");
    rig.take_log();
    let before = rig.mem().to_vec();
    assert_eq!(rig.write(0, &[0xff; 16]), EIO);
    assert_eq!(rig.take_log(), vec![]);
    assert_eq!(rig.mem(), &before[..]);
}

#[test]
fn a_write_whose_padded_tail_cannot_be_programmed_changes_nothing() {
    // Found by the fuzzer: the whole units of a write programmed, then its
    // padded tail refused.  Now every unit is checked before any programs.
    let mut rig = Rig::new(&STM32F767, 0x0800_0000, 0x0804_0000, 256 * K);
    assert_eq!(rig.write(4100, &[0x00; 4]), 0, "a programmed word after erased ones");
    rig.take_log();
    let before = rig.mem().to_vec();
    // 4 bytes that fit the erased word at 4096, then a 1-byte tail padded
    // with 0xff over the programmed word at 4100: cannot be programmed.
    assert_eq!(rig.write(4096, &[0x12, 0x34, 0x56, 0x78, 0xab]), EIO);
    assert_eq!(rig.take_log(), vec![]);
    assert_eq!(rig.mem(), &before[..]);
}

#[test]
fn a_failed_write_is_never_committed() {
    let mut rig = nor();
    let old = image(64 * K as usize, 10);
    rig.deploy_1_29(&old);
    let new = image(64 * K as usize, 11);
    assert_eq!(rig.prepare(32 * K), 1);
    assert_eq!(rig.write(0, &new[..4096]), 0);
    // Past the prepared range, over old bytes: refused.
    assert_eq!(rig.write(32 * K, &new[32 * 1024..36 * 1024]), EIO);
    assert_eq!(rig.complete(), EIO);
    assert_ne!(&rig.mem()[..3], &[0xd2, 0xcd, 0x31], "not mountable");
    // A new deploy starts clean.
    rig.deploy_1_29(&new);
    assert!(holds(rig.mem(), &new));
}

#[test]
fn mpremote_1_26_single_prepare_of_16_mib_is_instant() {
    let mut rig = Rig::new(&IS25WX256, 0, 0, 16 * 1024 * K);
    let old = image(1024 * K as usize, 12);
    rig.deploy_1_26(&old);
    rig.take_log();
    rig.take_log();
    assert_eq!(rig.prepare(16 * 1024 * K), 4);
    assert_eq!(rig.take_log(), vec![program(0, 4)], "the prepare only zeroes the old magic");
    // Each 4K write does at most one erase.
    let img = image(512 * K as usize, 13);
    for off in (0..img.len()).step_by(4096) {
        let t = rig.sim.stats.max_ns;
        rig.write(off as u32, &img[off..off + 4096]);
        // One 64K block erase and the chunk's 16 pages.
        assert!(rig.sim.stats.max_ns - t <= 1_000_000_000 + 16 * 1_800_000, "one erase and one chunk at most");
    }
    rig.complete();
    assert!(holds(rig.mem(), &img));
}

#[test]
fn mram_overwrites_without_erase() {
    let mut rig = Rig::new(&ALIF_MRAM, 0x8000_0000, 0x8047_e000, 1024 * K);
    assert_eq!(rig.min_prepare(), 4096);
    let a = image(20_000, 14);
    let b = image(30_001, 15);
    rig.deploy_1_29(&a);
    rig.deploy_1_29(&b);
    assert!(holds(rig.mem(), &b));
    assert_eq!(rig.sim.stats.erases, 0);
    assert_eq!(rig.sim.stats.violations, 0);
}

#[test]
fn op5_after_an_unwritten_prepare_makes_the_old_image_unmountable() {
    let mut rig = nor();
    rig.deploy_1_29(&image(8192, 16));
    assert_eq!(rig.prepare(8192), 1);
    assert_eq!(rig.complete(), 0);
    assert_ne!(&rig.mem()[..3], &[0xd2, 0xcd, 0x31]);
    // Repeated op 5, and op 5 with nothing prepared: 0.
    assert_eq!(rig.complete(), 0);
    assert_eq!(rig.complete(), 0);
}

#[test]
fn polls_between_flash_operations() {
    let mut rig = nor();
    rig.deploy_1_29(&image(64 * K as usize, 17));
    let ops = rig.sim.stats.erases + rig.sim.stats.programs;
    assert!(rig.polls >= ops, "{} polls for {ops} operations", rig.polls);
}

#[test]
fn a_sector_straddling_the_segment_end_is_never_prepared() {
    // F767 segment from sector 3 (32K) to 200K: its last sector (256K at
    // 160K) ends past the segment, so it can never be erased.
    let mut rig = Rig::new(&STM32F767, 0x0800_0000, 0x0801_8000, 200 * K);
    rig.deploy_1_29(&image(20 * K as usize, 30));
    // A write into that sector without a prepare: it is blank there, so it
    // programs.
    assert_eq!(rig.write(179_924 - 179_924 % 4, &[0x42]), 0);
    // A prepare that reaches into it prepares only the whole sectors before.
    assert_eq!(rig.prepare(164 * K), 4);
    assert_eq!(rig.state.pending(), (0, 160 * K));
    assert_eq!(rig.write(28 * K, &[0u8; 4097]), 0);
    // The next deploy lands (a disjoint prepare used to try to settle the
    // straddling sector, fail, and poison the deploy).
    let img = image(12 * K as usize - 100, 31);
    rig.deploy_1_29(&img);
    assert!(holds(rig.mem(), &img));
    // Writing old bytes over the straddling sector's programmed byte is
    // refused: it cannot be erased.
    assert_eq!(rig.prepare(200 * K), 4);
    assert_eq!(rig.write(179_924 - 179_924 % 4, &[0xff, 0xff, 0xff, 0xff]), EIO);
    assert_eq!(rig.sim.stats.violations, 0);
}
