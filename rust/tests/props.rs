//! Random call sequences on several chips.  Invariants: the simulator never
//! sees an illegal operation (outside the segment, misaligned, or
//! programming bits that are not erased); a call refused with -EINVAL
//! changes nothing; and whatever happened before, a full deploy leaves
//! exactly the new image.  The fuzz target (fuzz/) runs the same idea
//! longer, against a reference model.

mod common;

use common::*;
use mp_romfs::sim::profiles::*;
use mp_romfs::sim::Profile;
use proptest::prelude::*;

const K: u32 = 1024;

#[derive(Clone, Debug)]
enum Call {
    Prepare(u32),
    PrepareAt(u32, u32),
    Write(u32, u16, u8),
    Complete,
    MinPrepare,
    Raw(Vec<isize>),
}

fn rig(which: u8) -> Rig {
    let (p, base, addr, len): (&'static Profile, u32, u32, u32) = match which % 5 {
        0 => (&W25Q128, 0, 64 * K, 256 * K),
        1 => (&STM32F767, 0x0800_0000, 0x0800_0000, 512 * K),
        2 => (&STM32H743, 0x0800_0000, 0x0802_0000, 256 * K),
        3 => (&SAMD21, 0, 236 * K, 12 * K),
        _ => (&ALIF_MRAM, 0x8000_0000, 0x8000_0000, 64 * K),
    };
    Rig::new(p, base, addr, len)
}

fn call() -> impl Strategy<Value = Call> {
    let off = prop_oneof![0u32..600 * K, (0u32..150).prop_map(|k| k * 4096), Just(u32::MAX)];
    prop_oneof![
        off.clone().prop_map(Call::Prepare),
        (off.clone(), off.clone()).prop_map(|(a, b)| Call::PrepareAt(a, b)),
        (off, 0u16..9000, any::<u8>()).prop_map(|(o, n, s)| Call::Write(o, n, s)),
        Just(Call::Complete),
        Just(Call::MinPrepare),
        prop::collection::vec(any::<isize>(), 0..5).prop_map(Call::Raw),
    ]
}

fn run(rig: &mut Rig, c: &Call) -> isize {
    match c {
        Call::Prepare(len) => rig.prepare(*len),
        Call::PrepareAt(off, len) => rig.prepare_at(*off, *len),
        Call::Write(off, n, seed) => rig.write(*off, &image(*n as usize + 8, *seed as u32)[8..]),
        Call::Complete => rig.complete(),
        Call::MinPrepare => rig.min_prepare(),
        Call::Raw(args) => rig.ioctl(args, b"raw"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_calls_keep_the_invariants(which in any::<u8>(), calls in prop::collection::vec(call(), 1..40), seed in any::<u32>()) {
        let mut rig = rig(which);
        rig.deploy_1_29(&image(20 * K as usize, seed));
        for c in &calls {
            let before = rig.mem().to_vec();
            let ops = rig.sim.log.len();
            let r = run(&mut rig, c);
            prop_assert_eq!(rig.sim.stats.violations, 0, "illegal flash operation after {:?}", c);
            if r == EINVAL {
                prop_assert_eq!(rig.sim.log.len(), ops, "{:?} was refused but touched flash", c);
                prop_assert!(rig.mem() == &before[..], "{:?} was refused but changed bytes", c);
            }
        }
        let img = image(12 * K as usize - 100, seed ^ 0x5a5a);
        rig.deploy_1_29(&img);
        prop_assert!(holds(rig.mem(), &img), "a full deploy after {:?} did not land", calls);
        prop_assert_eq!(rig.sim.stats.violations, 0);
    }
}
