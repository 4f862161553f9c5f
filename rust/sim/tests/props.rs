//! Random call sequences (`vfs.rom_ioctl` and the block view, interleaved)
//! on several chips, checked by `mp_romfs_sim::oracle`
//! (no illegal flash operation; a refused call changes nothing; an accepted
//! call changes only what it may), and then full deploys (through rom_ioctl,
//! then through the block view) that must land
//! whatever happened before.  The fuzz target (fuzz/) runs the same harness
//! with coverage guidance for longer.

mod common;

use common::image;
use mp_romfs_sim::oracle::{BlockCall, Harness};
use mp_romfs_sim::nor::profiles::*;
use mp_romfs_sim::nor::Profile;
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
    Block(BlockArgs),
}

/// A block-view call: (kind, block, offset, length, seed).
type BlockArgs = (u8, i8, u32, u16, u8);

fn harness(which: u8) -> Harness {
    let (p, base, addr, len): (&'static Profile, u32, u32, u32) = match which % 6 {
        0 => (&W25Q128, 0, 64 * K, 256 * K),
        1 => (&STM32F767, 0x0800_0000, 0x0800_0000, 512 * K),
        2 => (&STM32H743, 0x0800_0000, 0x0802_0000, 256 * K),
        3 => (&SAMD21, 0, 236 * K, 12 * K),
        4 => (&ALIF_MRAM, 0x8000_0000, 0x8000_0000, 64 * K),
        _ => (&STM32F767, 0x0800_0000, 0x0801_8000, 200 * K),
    };
    Harness::new(p, base, addr, len)
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
        (0u8..4, -1i8..8, prop_oneof![0u32..300 * K, Just(u32::MAX)], 0u16..9000, any::<u8>()).prop_map(Call::Block),
    ]
}

fn run(h: &mut Harness, c: &Call) -> Result<isize, String> {
    match c {
        Call::Prepare(len) => h.call(&[3, 0, *len as isize], &[]),
        Call::PrepareAt(off, len) => h.call(&[3, 0, *off as isize, *len as isize], &[]),
        Call::Write(off, n, seed) => h.call(&[4, 0, *off as isize, 0], &image(*n as usize + 8, *seed as u32)[8..]),
        Call::Complete => h.call(&[5, 0], &[]),
        Call::MinPrepare => h.call(&[6, 0], &[]),
        Call::Raw(args) => h.call(args, b"raw"),
        &Call::Block((kind, n, off, len, seed)) => {
            let (n, off, len) = (n as isize, off as isize, len as usize);
            let data = |len: usize| image(len + 8, seed as u32)[8..].to_vec();
            match kind {
                0 => h.block(&BlockCall::Read(n, off, len)),
                1 => h.block(&BlockCall::Write(n, Some(off), data(len))),
                2 => {
                    let bs = h.block(&BlockCall::Ioctl(5, 0))? as usize;
                    h.block(&BlockCall::Write(n, None, data(if bs <= 16 * 1024 { bs } else { len })))
                }
                _ => h.block(&BlockCall::Ioctl(seed as isize % 9 - 1, n)),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_calls_keep_the_rules(which in any::<u8>(), calls in prop::collection::vec(call(), 1..40), seed in any::<u32>()) {
        let mut h = harness(which);
        h.deploy(&image(20 * K as usize, seed)).map_err(TestCaseError::fail)?;
        for c in &calls {
            run(&mut h, c).map_err(|e| TestCaseError::fail(format!("{c:?}: {e}")))?;
        }
        let img = image(12 * K as usize - 100, seed ^ 0x5a5a);
        h.deploy(&img).map_err(TestCaseError::fail)?;
        prop_assert!(&h.mem()[..img.len()] == &img[..], "a full deploy after {:?} did not land", calls);
        let img = image(10 * K as usize - 50, seed ^ 0xa5a5);
        h.deploy_block(&img).map_err(TestCaseError::fail)?;
        prop_assert!(&h.mem()[..img.len()] == &img[..], "a deploy through the block view after {:?} did not land", calls);
    }
}
