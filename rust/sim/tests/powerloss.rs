//! Power loss at every flash operation of a deploy.
//!
//! For each chip geometry, an old image is deployed, then a new one over it
//! with mpremote 1.29.0's call sequence, with 1.26.1's, and with mpremote's
//! sequence for a block device (the block view: `ioctl(6)` per block, then
//! extended `writeblocks`, no sync).  For every index
//! of the new deploy's flash operations and each tear model (the operation
//! not started; half done with the first half of an erase erased; half done
//! with the second half erased — programs are half done in both), the power
//! is cut there: that operation is torn and every later one fails, as after
//! a reset mid-deploy.  Then the device "reboots" (the core's RAM state is
//! gone, the flash keeps its bytes) and the segment is checked the way
//! `vfs.VfsRom` decides to mount: magic, length, end inside the segment.
//!
//! Allowed outcomes: the old image, no mountable image, or the new image.
//! A mountable image equal to neither is a violation; there must be none,
//! with one exception that no order of operations can avoid: on write-once
//! flash (ECC words: STM32H7, SAMD51) the old header cannot be zeroed, only
//! erased with its sector, so a torn erase of that sector may leave the old
//! header over bytes that are partly erased.  That outcome is counted apart
//! ("torn header") and allowed only there: a tear of the erase that covers
//! the segment's first byte, on a write-once geometry, with the old header.
//! Prints the counts per geometry (run with `--nocapture` to see them).

mod common;

use common::*;
use mp_romfs_sim::nor::profiles::*;
use mp_romfs_sim::nor::{Op, Profile, Tear};

const K: u32 = 1024;

#[derive(Debug, Default)]
struct Outcomes {
    cuts: u32,
    old: u32,
    none: u32,
    new: u32,
    torn_header: u32,
    violations: u32,
}

/// What `vfs.VfsRom` would mount from `mem` on a 32-bit board whose
/// segment is mapped at `base`: the bytes of the image, if the magic is
/// there and the length record, decoded into a wrapping 32-bit word as
/// MicroPython does, puts the image's end (a wrapping 32-bit address) inside
/// the segment.
fn mountable(mem: &[u8], base: u32) -> Option<&[u8]> {
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

/// Whether `op` erases the byte at `addr`.
fn erases_header(op: &Op, addr: u32) -> bool {
    matches!(*op, Op::Erase { addr: at, size } if at <= addr && addr - at < size)
}

/// The client sequences of a deploy.
#[derive(Clone, Copy, Debug)]
enum Client {
    /// mpremote 1.29.0 through `vfs.rom_ioctl`.
    Mpremote129,
    /// mpremote 1.26.1 through `vfs.rom_ioctl`.
    Mpremote126,
    /// mpremote (either version) through the block view.
    BlockView,
}

fn deploy(rig: &mut Rig, image: &[u8], client: Client) {
    match client {
        Client::Mpremote129 => rig.deploy_1_29(image),
        Client::Mpremote126 => rig.deploy_1_26(image),
        Client::BlockView => rig.deploy_block(image),
    }
}

/// Cuts at every operation of deploying `new` over `old`, with every
/// client sequence and every tear model.
fn cut_everywhere(make: impl Fn() -> Rig, old: &[u8], new: &[u8]) -> Outcomes {
    let mut out = Outcomes::default();
    for client in [Client::Mpremote129, Client::Mpremote126, Client::BlockView] {
        let mut base = make();
        base.deploy_1_29(old);
        assert!(holds(base.mem(), old));
        let (ops, log, write_once) = {
            let mut dry = make();
            dry.deploy_1_29(old);
            let before = dry.sim.log.len();
            deploy(&mut dry, new, client);
            assert!(holds(dry.mem(), new), "an uncut deploy lands");
            let write_once = dry.sim.profile().flags & mp_romfs::bindings::MP_ROMFS_WRITE_ONCE as u8 != 0;
            ((dry.sim.log.len() - before) as u64, dry.sim.log.split_off(before), write_once)
        };
        // A cut at every operation, and one after the last.
        for cut in 0..=ops {
            for tear in [Tear::None, Tear::Front, Tear::Back] {
                if cut == ops && tear != Tear::None {
                    continue;
                }
                let mut rig = make();
                rig.deploy_1_29(old);
                rig.sim.cut_after(cut, tear);
                deploy(&mut rig, new, client);
                assert_eq!(rig.sim.is_dead(), cut < ops, "the cut at operation {cut} happened");
                // Reboot: RAM state gone, power back, flash as it is.
                rig.state = mp_romfs::engine::State::new();
                rig.sim.power_on();
                out.cuts += 1;
                match mountable(rig.mem(), rig.addr) {
                    None => out.none += 1,
                    Some(img) if img == old => out.old += 1,
                    Some(img) if img == new => out.new += 1,
                    Some(img) if write_once && tear != Tear::None && erases_header(&log[cut as usize], rig.addr) && img[..4] == old[..4] => {
                        out.torn_header += 1
                    }
                    Some(_) => {
                        out.violations += 1;
                        eprintln!("violation: cut at {cut}/{ops} ({tear:?}), {client:?}");
                    }
                }
                assert_eq!(rig.sim.stats.violations, 0, "illegal flash operation before the cut");
            }
        }
    }
    out
}

fn check(name: &str, profile: &'static Profile, base: u32, addr: u32, len: u32, old_len: usize, new_len: usize) {
    let old = image(old_len, 1);
    let new = image(new_len, 2);
    let out = cut_everywhere(|| Rig::new(profile, base, addr, len), &old, &new);
    println!(
        "{name:28} cuts {:5}  old {:5}  none {:5}  new {:4}  torn header {}  violations {}",
        out.cuts, out.old, out.none, out.new, out.torn_header, out.violations
    );
    assert_eq!(out.violations, 0, "{name}: a mountable image that is neither the old nor the new one");
    assert!(out.old > 0 && out.none > 0 && out.new > 0, "{name}: every outcome is reached: {out:?}");
}

#[test]
fn stm32f767_256k_sectors() {
    check("STM32F767 256K sectors", &STM32F767, 0x0800_0000, 0x0804_0000, 512 * K, 20_000, 30_000);
}

#[test]
fn stm32f767_from_small_sectors() {
    check("STM32F767 32K/128K sectors", &STM32F767, 0x0800_0000, 0x0800_0000, 256 * K, 50_000, 70_000);
}

#[test]
fn stm32h743_write_once_words() {
    check("STM32H743 (write-once)", &STM32H743, 0x0800_0000, 0x0810_0000, 256 * K, 80_000, 9_000);
}

#[test]
fn samd21_rows() {
    check("SAMD21 rows", &SAMD21, 0, 236 * K, 12 * K, 5_000, 9_000);
}

#[test]
fn samd51_blocks() {
    check("SAMD51 blocks", &SAMD51, 0, 448 * K, 64 * K, 20_000, 12_000);
}

#[test]
fn w25q128_sectors_and_blocks() {
    check("W25Q128 4K/32K/64K", &W25Q128, 0, 0, 256 * K, 40_000, 100_000);
}

#[test]
fn is25wx256_sectors_and_blocks() {
    check("IS25WX256 4K/64K", &IS25WX256, 0, 0, 256 * K, 70_000, 30_000);
}

#[test]
fn alif_mram() {
    check("Alif MRAM", &ALIF_MRAM, 0x8000_0000, 0x8000_0000, 64 * K, 20_000, 30_001);
}
