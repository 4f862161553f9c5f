//! Power loss at every flash operation of a deploy.
//!
//! For each setup this build takes, an old image is deployed, then a new one
//! over it by every client (mpremote 1.29.0, 1.26.1, mpremote's block-device
//! sequence, the host tool).  For every index of the new deploy's flash
//! operations and each tear model (the operation not started; half done
//! with the first half of an erase erased; half done with the second half
//! erased; programs are half done in both), the power is cut there: that
//! operation is torn and every later one fails, as after a reset
//! mid-deploy.  Then the device "reboots" (the core's RAM state is gone, the
//! flash keeps its bytes) and the segment is checked the way `vfs.VfsRom`
//! decides to mount: magic, length, end inside the segment.
//!
//! Allowed outcomes: the old image, no mountable image, or the new image.
//! A mountable image equal to neither is a violation; there must be none,
//! with one exception that no order of operations can avoid: on write-once
//! flash (ECC words: STM32H7, SAMD51) the old header cannot be zeroed, only
//! erased with its sector, so a torn erase of that sector may leave the old
//! header over bytes that are partly erased.  That outcome is counted apart
//! ("torn header") and allowed only there: a tear of the erase that covers
//! the segment's first byte, on a write-once geometry, with the old header.
//! Prints the counts per setup (run with `--nocapture` to see them).

use mp_romfs::bindings::MP_ROMFS_WRITE_ONCE;
use mp_romfs_sim::clients::Client;
use mp_romfs_sim::image::{holds, image, mountable};
use mp_romfs_sim::nor::{Op, Tear};
use mp_romfs_sim::setups::{self, Setup};

#[derive(Debug, Default)]
struct Outcomes {
    cuts: u32,
    old: u32,
    none: u32,
    new: u32,
    torn_header: u32,
    violations: u32,
}

/// Whether `op` erases the byte at `addr`.
fn erases_header(op: &Op, addr: u32) -> bool {
    matches!(*op, Op::Erase { addr: at, size } if at <= addr && addr - at < size)
}

/// Cuts at every operation of deploying `new` over `old`, with every
/// client and every tear model.
fn cut_everywhere(s: &Setup, old: &[u8], new: &[u8]) -> Outcomes {
    let mut out = Outcomes::default();
    let write_once = s.profile.flags & MP_ROMFS_WRITE_ONCE as u8 != 0;
    for &client in Client::ALL {
        let (ops, log) = {
            let mut dry = s.rig();
            Client::Mpremote129.deploy(&mut dry, old).unwrap();
            assert!(holds(dry.mem(), old));
            let before = dry.sim.log.len();
            client.deploy(&mut dry, new).unwrap();
            assert!(holds(dry.mem(), new), "{client:?}: an uncut deploy lands");
            ((dry.sim.log.len() - before) as u64, dry.sim.log.split_off(before))
        };
        // A cut at every operation, and one after the last.
        for cut in 0..=ops {
            for tear in [Tear::None, Tear::Front, Tear::Back] {
                if cut == ops && tear != Tear::None {
                    continue;
                }
                let mut rig = s.rig();
                Client::Mpremote129.deploy(&mut rig, old).unwrap();
                rig.sim.cut_after(cut, tear);
                // The host tool stops at the first failed call; mpremote
                // goes on (and its calls fail).
                let _ = client.deploy(&mut rig, new);
                assert_eq!(rig.sim.is_dead(), cut < ops, "the cut at operation {cut} happened");
                rig.reboot();
                out.cuts += 1;
                match mountable(rig.mem(), rig.addr) {
                    None => out.none += 1,
                    Some(img) if img == old => out.old += 1,
                    Some(img) if img == new => out.new += 1,
                    Some(img)
                        if write_once
                            && tear != Tear::None
                            && erases_header(&log[cut as usize], rig.addr)
                            && img[..4] == old[..4] =>
                    {
                        out.torn_header += 1
                    }
                    Some(_) => {
                        out.violations += 1;
                        eprintln!("violation: {}: cut at {cut}/{ops} ({tear:?}), {client:?}", s.name);
                    }
                }
                assert_eq!(rig.sim.stats.violations, 0, "illegal flash operation before the cut");
            }
        }
    }
    out
}

#[test]
fn every_cut_leaves_the_old_image_none_or_the_new_one() {
    let setups = setups::supported();
    assert!(!setups.is_empty());
    for s in setups {
        let (old, new) = (image(s.images.0, 1), image(s.images.1, 2));
        let out = cut_everywhere(s, &old, &new);
        println!(
            "{:28} cuts {:5}  old {:5}  none {:5}  new {:4}  torn header {}  violations {}",
            s.name, out.cuts, out.old, out.none, out.new, out.torn_header, out.violations
        );
        assert_eq!(out.violations, 0, "{}: a mountable image that is neither the old nor the new one", s.name);
        assert!(out.old > 0 && out.none > 0 && out.new > 0, "{}: every outcome is reached: {out:?}", s.name);
    }
}
