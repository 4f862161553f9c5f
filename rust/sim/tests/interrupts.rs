//! A deploy interrupted at every poll, as a real port's event hook raises
//! KeyboardInterrupt (Ctrl-C, or mpremote reconnecting).
//!
//! For each setup this build takes and each client, an old image is
//! deployed; then the new deploy is interrupted at its N-th poll, for every
//! N.  The interrupted call must return at once with -EINTR (the C shim
//! raises the exception then) and the client stops there, as mpremote's
//! exec fails.  Then, without a reset:
//! - the segment mounts as the old image, as none, or as the new one
//!   (never a mix), and still after a lone op 5, which must not commit;
//! - after a soft reset (the core's state forgotten, flash kept) a lone
//!   op 5 commits nothing either;
//! - a full deploy right after succeeds.
//!
//! Prints the outcomes per setup.

use mp_romfs::error::Error;
use mp_romfs_sim::clients::Client;
use mp_romfs_sim::image::{holds, image, mountable};
use mp_romfs_sim::setups;

#[test]
fn every_interrupted_deploy_leaves_old_none_or_new_and_recovers() {
    for s in setups::supported() {
        let (old, new) = (image(s.images.0, 1), image(s.images.1, 2));
        let (mut tried, mut outcomes) = (0, [0u32; 3]);
        for &client in Client::ALL {
            let polls = {
                let mut dry = s.rig();
                Client::Mpremote129.deploy(&mut dry, &old).unwrap();
                let before = dry.polls;
                client.deploy(&mut dry, &new).unwrap();
                dry.polls - before
            };
            for n in 1..=polls {
                for soft_reset in [false, true] {
                    let mut rig = s.rig();
                    Client::Mpremote129.deploy(&mut rig, &old).unwrap();
                    let start = rig.polls;
                    rig.interrupt_at = Some(start + n);
                    let r = client.deploy(&mut rig, &new);
                    assert!(
                        rig.interrupted && r.is_err(),
                        "{}: {client:?}: poll {n} of {polls} raised and the client stopped",
                        s.name
                    );
                    assert_eq!(rig.polls, start + n, "{}: {client:?}: nothing ran after the interrupt", s.name);
                    tried += 1;
                    let outcome = |mem: &[u8]| match mountable(mem, 0) {
                        None => 1,
                        Some(img) if img == old => 0,
                        Some(img) if img == new => 2,
                        Some(_) => panic!("{}: {client:?}: interrupted at poll {n}: a mix mounts", s.name),
                    };
                    let before = outcome(rig.mem());
                    if soft_reset {
                        rig.state = mp_romfs::engine::State::new();
                    }
                    let five = rig.complete();
                    assert!(
                        five == 0 || five == Error::Incomplete.errno() as isize,
                        "op 5 after the interrupt: {five}"
                    );
                    assert_eq!(
                        outcome(rig.mem()),
                        before,
                        "{}: {client:?}: a lone op 5 after poll {n} changed what mounts",
                        s.name
                    );
                    outcomes[before] += 1;
                    Client::Mpremote129.deploy(&mut rig, &new).unwrap();
                    assert!(
                        holds(rig.mem(), &new),
                        "{}: {client:?}: a deploy after the interrupt at poll {n} lands",
                        s.name
                    );
                    assert_eq!(rig.sim.stats.violations, 0);
                }
            }
        }
        println!(
            "{:28} interrupted {tried:5}  old {:5}  none {:5}  new {:5}  violations 0",
            s.name, outcomes[0], outcomes[1], outcomes[2]
        );
    }
}
