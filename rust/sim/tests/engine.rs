//! Ops 3-6 on simulated chips: whole operation logs (the executed plans),
//! contents, the refusals that must change nothing, and the latency of
//! aborted and restarted deploys.
//!
//! Every feature set a port ships runs these (tools/test.sh).  Where the
//! set changes what must happen, the test says so: `deferred` (a prepare
//! only records, each write erases what it reaches; without it a prepare
//! erases at once), `block-erase`, `rewrite-skip`; and chips whose rules or
//! layout need a feature the set lacks must be refused (`Rig::if_supported`).

use mp_romfs::error::Error;
use mp_romfs_sim::clients::Client;
use mp_romfs_sim::image::{holds, image, mountable};
use mp_romfs_sim::nor::profiles::*;
use mp_romfs_sim::nor::Op;
use mp_romfs_sim::rig::Rig;

const EINVAL: isize = -22;
const EIO: isize = -5;
const K: u32 = 1024;
const DEFERRED: bool = cfg!(feature = "deferred");
const BLOCKS: bool = cfg!(feature = "block-erase");
const SKIP: bool = cfg!(feature = "rewrite-skip");

fn erase(addr: u32, size: u32) -> Op {
    Op::Erase { addr, size }
}

fn program(addr: u32, len: u32) -> Op {
    Op::Program { addr, len }
}

fn erases(log: Vec<Op>) -> Vec<Op> {
    log.into_iter().filter(|op| matches!(op, Op::Erase { .. })).collect()
}

/// The erases of `a..b` (4K-aligned) on a W25Q128 that this build does:
/// 64K and 32K blocks where aligned and inside, else 4K sectors.
fn nor_erases(mut a: u32, b: u32) -> Vec<Op> {
    let mut v = Vec::new();
    while a < b {
        let size = [64 * K, 32 * K].into_iter().find(|&s| BLOCKS && a.is_multiple_of(s) && a + s <= b).unwrap_or(4 * K);
        v.push(erase(a, size));
        a += size;
    }
    v
}

/// An 8 MiB W25Q128 segment at the start of the chip (every set takes it).
fn nor() -> Rig {
    Rig::new(&W25Q128, 0, 0, 8192 * K)
}

#[test]
fn blank_flash_deploy_erases_nothing() {
    let mut rig = nor();
    let img = image(10_000, 1);
    rig.deploy(Client::Mpremote129, &img);
    let log = rig.take_log();
    assert!(log.iter().all(|op| matches!(op, Op::Program { .. })), "{log:?}");
    assert!(holds(rig.mem(), &img));
    assert_eq!(rig.sim.stats.violations, 0);
}

#[test]
fn prepare_and_write_erase_what_differs() {
    let mut rig = nor();
    rig.deploy(Client::Mpremote129, &image(200 * K as usize, 1));
    rig.take_log();
    let img = image(100 * K as usize, 2);
    // mpremote 1.29.0: op 6 is 4K, prepares of 32K.
    assert_eq!(rig.min_prepare(), 4096);
    for off in (0..100 * K).step_by(32 * K as usize) {
        assert_eq!(rig.prepare_at(off, (100 * K - off).min(32 * K).div_ceil(4 * K) * 4 * K), 1);
    }
    // The prepare from offset 0 begins the deploy by zeroing the old magic
    // (one byte here).  Deferred: nothing is erased yet.  Else: each
    // prepare erases its sectors at once (they are not blank).
    let mut want = vec![program(0, 1)];
    if !DEFERRED {
        for off in (0..100 * K).step_by(32 * K as usize) {
            want.extend(nor_erases(off, (off + 32 * K).min(100 * K)));
        }
    }
    assert_eq!(rig.take_log(), want);
    assert_ne!(&rig.mem()[..3], &[0xd2, 0xcd, 0x31], "the old image no longer mounts");
    // The first chunk: deferred, the first 64K block is erased (the new
    // bytes differ, so the block erase is worth it); the chunk is
    // programmed except the held magic (3 bytes here).
    assert_eq!(rig.write(0, &img[..4096]), 0);
    let mut want = if DEFERRED { vec![erase(0, if BLOCKS { 64 * K } else { 4 * K })] } else { vec![] };
    want.push(program(3, 4093));
    assert_eq!(rig.take_log(), want);
    for off in (4 * K..100 * K).step_by(4096) {
        assert_eq!(rig.write(off, &img[off as usize..off as usize + 4096]), 0);
    }
    // Deferred: the rest of the pending range, as the writes reach it
    // (pending ends at 100K: 64K, 32K, 4K with blocks).
    let want = if !DEFERRED {
        vec![]
    } else if BLOCKS {
        nor_erases(64 * K, 100 * K)
    } else {
        nor_erases(4 * K, 100 * K)
    };
    assert_eq!(erases(rig.take_log()), want);
    // Until op 5 the image is not mountable; then it is the new image.
    assert_eq!(&rig.mem()[..3], &[0xff; 3]);
    let syncs = rig.syncs;
    assert_eq!(rig.complete(), 0);
    // The held magic, last: the image mounts.
    assert_eq!(rig.take_log(), vec![program(0, 3)]);
    assert!(holds(rig.mem(), &img));
    assert_eq!(rig.syncs, syncs + 1, "op 5 calls the cache-maintenance hook");
}

#[test]
fn same_image_redeploy() {
    let mut rig = nor();
    let img = image(256 * K as usize, 3);
    rig.deploy(Client::Mpremote129, &img);
    rig.take_log();
    rig.deploy(Client::Mpremote129, &img);
    let log = rig.take_log();
    if DEFERRED && SKIP {
        // Zero the old magic, erase sector 0, reprogram sector 0 (minus the
        // held magic), commit the magic: nothing else.
        assert_eq!(log, vec![program(0, 1), erase(0, 4 * K), program(3, 4093), program(0, 3)]);
    } else {
        // Every sector is erased and programmed again.
        let want: Vec<Op> = if DEFERRED {
            [erase(0, 4 * K)].into_iter().chain(nor_erases(4 * K, 256 * K)).collect()
        } else {
            nor_erases(0, 256 * K)
        };
        assert_eq!(erases(log), want);
    }
    assert!(holds(rig.mem(), &img));
}

#[test]
fn partial_change() {
    let mut rig = nor();
    let img = image(64 * K as usize, 4);
    rig.deploy(Client::Mpremote129, &img);
    rig.take_log();
    let mut changed = img.clone();
    changed[20_000] ^= 0x55;
    rig.deploy(Client::Mpremote129, &changed);
    let want = if DEFERRED && SKIP {
        // The header's sector and the changed one.
        vec![erase(0, 4 * K), erase(16 * K, 4 * K)]
    } else if DEFERRED {
        [erase(0, 4 * K)].into_iter().chain(nor_erases(4 * K, 64 * K)).collect()
    } else {
        nor_erases(0, 64 * K)
    };
    assert_eq!(erases(rig.take_log()), want);
    assert!(holds(rig.mem(), &changed));
}

#[test]
fn f767_sectors_erase_once_each() {
    // The 256K sectors of an F767 (1.75 MiB).
    let Some(mut rig) = Rig::new(&STM32F767, 0x0800_0000, 0x0804_0000, 1792 * K).if_supported() else { return };
    rig.deploy(Client::Mpremote129, &image(300 * K as usize, 5));
    rig.take_log();
    let img = image(300 * K as usize, 6);
    rig.deploy(Client::Mpremote129, &img);
    assert_eq!(erases(rig.take_log()), vec![erase(0x0804_0000, 256 * K), erase(0x0808_0000, 256 * K)]);
    assert!(holds(rig.mem(), &img));
}

#[test]
fn f767_segment_starting_in_the_128k_sector_uses_the_3_arg_prepare() {
    let Some(mut rig) = Rig::new(&STM32F767, 0x0800_0000, 0x0802_0000, 1920 * K).if_supported() else { return };
    assert_eq!(rig.min_prepare(), 0);
    assert_eq!(rig.prepare_at(0, 128 * K), EINVAL);
    let img = image(200 * K as usize, 7);
    rig.deploy(Client::Mpremote129, &img);
    assert!(holds(rig.mem(), &img));
    assert_eq!(rig.sim.stats.violations, 0);
}

#[test]
fn h7_flash_words_are_written_once_and_tails_padded() {
    let Some(mut rig) = Rig::new(&STM32H743, 0x0800_0000, 0x0810_0000, 1024 * K).if_supported() else { return };
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
    // SAMD21: 4-byte words.  Writes of 1..=7 bytes at word offsets.
    let mut rig = Rig::new(&SAMD21, 0, 236 * K, 12 * K);
    assert_eq!(rig.prepare(12 * K), 4);
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
    // SAMD21: 256-byte rows (op 6), 4-byte words.
    let mut rig = Rig::new(&SAMD21, 0, 236 * K, 12 * K);
    let img = image(4096, 9);
    rig.deploy(Client::Mpremote129, &img);
    let before = rig.mem().to_vec();
    rig.take_log();
    let len = 12 * K as isize;
    let cases: &[(&[isize], &[u8])] = &[
        (&[3, 0, len + 1], &[]),
        (&[3, 0, -1], &[]),
        (&[3, 0, -256, 256], &[]),
        (&[3, 0, 256, len], &[]),
        (&[3, 0, 128, 256], &[]),
        (&[3, 0, 0, 128], &[]),
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
    let mut rig = Rig::new(&SAMD21, 0, 236 * K, 12 * K);
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
    rig.deploy(Client::Mpremote129, &old);
    let new = image(64 * K as usize, 11);
    assert_eq!(rig.prepare(32 * K), 1);
    assert_eq!(rig.write(0, &new[..4096]), 0);
    // Past the prepared range, over old bytes: refused.
    assert_eq!(rig.write(32 * K, &new[32 * 1024..36 * 1024]), EIO);
    assert_eq!(rig.complete(), EIO);
    assert_ne!(&rig.mem()[..3], &[0xd2, 0xcd, 0x31], "not mountable");
    // A new deploy starts clean.
    rig.deploy(Client::Mpremote129, &new);
    assert!(holds(rig.mem(), &new));
}

#[test]
fn an_empty_write_does_nothing() {
    // Found by the fuzz target (SAMD21 set): an empty write at 0 after a
    // deploy held an erased header, and op 5 then refused.
    let mut rig = nor();
    let img = image(20 * K as usize, 3);
    rig.deploy(Client::Mpremote129, &img);
    rig.take_log();
    assert_eq!(rig.write(0, &[]), 0);
    assert_eq!(rig.complete(), 0);
    assert!(rig.take_log().is_empty());
    assert!(holds(rig.mem(), &img));
}

#[test]
fn op5_commits_only_once_the_writes_reached_the_image_end() {
    let mut rig = nor();
    let img = image(40 * K as usize, 12);
    assert_eq!(rig.prepare(img.len() as u32), 1);
    assert_eq!(rig.write(0, &img[..16 * 1024]), 0);
    // A client that stops here (killed, or a lone op 5 after a reset of
    // the host side): op 5 refuses, nothing mounts.
    assert_eq!(rig.complete(), EIO);
    assert_eq!(mountable(rig.mem(), 0), None);
    // The same image in full commits.
    rig.deploy(Client::Mpremote129, &img);
    assert!(holds(rig.mem(), &img));
}

#[test]
fn mpremote_1_26_single_prepare_of_16_mib() {
    let Some(mut rig) = Rig::new(&IS25WX256, 0, 0, 16 * 1024 * K).if_supported() else { return };
    let old = image(1024 * K as usize, 12);
    rig.deploy(Client::Mpremote126, &old);
    rig.take_log();
    assert_eq!(rig.prepare(16 * 1024 * K), 4);
    if !DEFERRED {
        // Without `deferred` the prepare erases the old image's sectors at
        // once (which is why every port with large flash builds with it).
        let log = rig.take_log();
        assert_eq!(log[0], program(0, 4));
        assert!(!erases(log).is_empty());
        return;
    }
    assert_eq!(rig.take_log(), vec![program(0, 4)], "the prepare only zeroes the old magic");
    // Each 4K write does at most one erase.
    let img = image(512 * K as usize, 13);
    for off in (0..img.len()).step_by(4096) {
        rig.write(off as u32, &img[off..off + 4096]);
        // One 64K block erase and the chunk's 16 pages.
        assert!(rig.last_ns <= 1_000_000_000 + 16 * 1_800_000, "one erase and one chunk at most");
    }
    rig.complete();
    assert!(holds(rig.mem(), &img));
}

#[test]
fn a_new_deploy_does_not_pay_for_the_leftovers_of_an_aborted_one() {
    // 1 MiB deployed; a 1 MiB deploy of a different image cut off after
    // 64 KiB (its prepares all made, as mpremote makes them); then a 32 KiB
    // deploy.  No call of the new deploy erases more than its own bytes
    // need: its first prepare erases nothing (with `deferred`).
    let mut rig = nor();
    rig.deploy(Client::Mpremote129, &image(1024 * K as usize, 20));
    let other = image(1024 * K as usize, 21);
    for off in (0..1024 * K).step_by(32 * K as usize) {
        assert_eq!(rig.prepare_at(off, 32 * K), 1);
    }
    for off in (0..64 * K).step_by(4096) {
        assert_eq!(rig.write(off, &other[off as usize..off as usize + 4096]), 0);
    }
    rig.take_log();
    let small = image(32 * K as usize, 22);
    assert_eq!(rig.prepare_at(0, 32 * K), 1);
    let log = rig.take_log();
    if DEFERRED {
        assert!(erases(log).is_empty(), "the new deploy's first prepare erases nothing");
    } else {
        assert_eq!(erases(log), nor_erases(0, 32 * K), "only its own range");
    }
    let mut longest = 0;
    for off in (0..32 * K).step_by(4096) {
        assert_eq!(rig.write(off, &small[off as usize..off as usize + 4096]), 0);
        longest = longest.max(rig.last_ns);
    }
    assert_eq!(rig.complete(), 0);
    assert!(holds(rig.mem(), &small));
    // One 64K block erase (2 s at most) or a 4K one, plus a chunk.
    assert!(longest <= 2_000_000_000 + 16 * 3_000_000, "longest write {longest} ns");
    // Deferred: what the aborted deploy left past 64K is untouched (its
    // prepared but unwritten sectors were dropped, not erased).  Else its
    // prepares erased them at once.
    let rest = &rig.mem()[64 * K as usize..1024 * K as usize];
    if DEFERRED {
        assert!(rest == &image(1024 * K as usize, 20)[64 * K as usize..]);
    } else {
        assert!(rest.iter().all(|&b| b == 0xff));
    }
}

#[test]
fn skipped_sectors_keep_their_bytes_and_the_deploy_commits() {
    // A differential client: one prepare of the image, then only the
    // sectors that change, in order (the first and the last always).
    let mut rig = nor();
    let old = image(64 * K as usize, 23);
    rig.deploy(Client::Mpremote129, &old);
    let mut new = old.clone();
    new[20_000] ^= 1;
    new[40_000] ^= 1;
    if DEFERRED {
        assert_eq!(rig.prepare(new.len() as u32), 1);
        rig.take_log();
        for sector in [0, 4, 9, 15] {
            let off = sector * 4096;
            assert_eq!(rig.write(off as u32, &new[off..off + 4096]), 0);
        }
        assert_eq!(rig.complete(), 0);
        assert!(holds(rig.mem(), &new));
        // Skipped sectors were not erased.
        let want: Vec<u32> = if SKIP { vec![0, 4, 9] } else { vec![0, 4, 9, 15] };
        assert_eq!(erases(rig.take_log()), want.into_iter().map(|s| erase(s * 4096, 4096)).collect::<Vec<_>>());
    }
    // The host tool's sequence (a prepare per changed run) lands in every
    // build.
    let mut newer = new.clone();
    newer[30_000] ^= 1;
    Client::HostTool.deploy(&mut rig, &newer).unwrap();
    assert!(holds(rig.mem(), &newer));
}

#[test]
fn a_disjoint_prepare_replaces_the_pending_range() {
    let mut rig = nor();
    rig.deploy(Client::Mpremote129, &image(256 * K as usize, 24));
    assert_eq!(rig.prepare_at(0, 128 * K), 1);
    rig.take_log();
    assert_eq!(rig.prepare_at(192 * K, 32 * K), 1);
    if DEFERRED {
        // The old range is not settled (that could take any time): its
        // unwritten sectors keep their bytes.
        assert!(erases(rig.take_log()).is_empty());
        assert_eq!(rig.state.pending(), (192 * K, 224 * K));
        assert_eq!(rig.write(64 * K, &[0x55; 16]), EIO, "no longer prepared, not blank");
    } else {
        assert_eq!(erases(rig.take_log()), nor_erases(192 * K, 224 * K));
    }
}

#[test]
fn an_interrupted_call_returns_at_once_and_fails_the_deploy() {
    let mut rig = nor();
    rig.deploy(Client::Mpremote129, &image(64 * K as usize, 25));
    let img = image(64 * K as usize, 26);
    assert_eq!(rig.prepare(img.len() as u32), 1);
    rig.interrupt_at = Some(rig.polls + 1);
    let ops = rig.sim.log.len();
    assert_eq!(rig.write(0, &img[..4096]), Error::Interrupted.errno() as isize);
    assert!(rig.interrupted && rig.state.failed());
    assert_eq!(rig.sim.log.len(), ops + 1, "no flash operation after the poll that raised");
    // Later calls work; op 5 commits nothing; a new deploy lands.
    assert_eq!(rig.min_prepare(), 4096);
    assert_eq!(rig.complete(), EIO);
    assert_eq!(mountable(rig.mem(), 0), None);
    rig.deploy(Client::Mpremote129, &img);
    assert!(holds(rig.mem(), &img));
}

#[test]
fn mram_overwrites_without_erase() {
    let Some(mut rig) = Rig::new(&ALIF_MRAM, 0x8000_0000, 0x8047_e000, 1024 * K).if_supported() else { return };
    assert_eq!(rig.min_prepare(), 4096);
    let a = image(20_000, 14);
    let b = image(30_001, 15);
    rig.deploy(Client::Mpremote129, &a);
    rig.deploy(Client::Mpremote129, &b);
    assert!(holds(rig.mem(), &b));
    assert_eq!(rig.sim.stats.erases, 0);
    assert_eq!(rig.sim.stats.violations, 0);
}

#[test]
fn op5_after_an_unwritten_prepare_makes_the_old_image_unmountable() {
    let mut rig = nor();
    rig.deploy(Client::Mpremote129, &image(8192, 16));
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
    rig.deploy(Client::Mpremote129, &image(64 * K as usize, 17));
    let ops = rig.sim.stats.erases + rig.sim.stats.programs;
    assert!(rig.polls >= ops, "{} polls for {ops} operations", rig.polls);
}

#[test]
fn a_sector_straddling_the_segment_end_is_never_prepared() {
    // F767 segment from sector 3 (32K) to 200K: its last sector (256K at
    // 160K) ends past the segment, so it can never be erased.
    let Some(mut rig) = Rig::new(&STM32F767, 0x0800_0000, 0x0801_8000, 200 * K).if_supported() else { return };
    rig.deploy(Client::Mpremote129, &image(20 * K as usize, 30));
    // A write into that sector (at a word-aligned offset) without a
    // prepare: it is blank there, so it programs.
    assert_eq!(rig.write(179_924, &[0x42]), 0);
    // A prepare that reaches into it prepares only the whole sectors before.
    assert_eq!(rig.prepare(164 * K), 4);
    if DEFERRED {
        assert_eq!(rig.state.pending(), (0, 160 * K));
    }
    assert_eq!(rig.write(28 * K, &[0u8; 4097]), 0);
    let img = image(12 * K as usize - 100, 31);
    rig.deploy(Client::Mpremote129, &img);
    assert!(holds(rig.mem(), &img));
    // Writing old bytes over the straddling sector's programmed byte is
    // refused: it cannot be erased.
    assert_eq!(rig.prepare(200 * K), 4);
    assert_eq!(rig.write(179_924, &[0xff, 0xff, 0xff, 0xff]), EIO);
    assert_eq!(rig.sim.stats.violations, 0);
}
