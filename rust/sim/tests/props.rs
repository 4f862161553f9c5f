//! Random call sequences (`vfs.rom_ioctl` and the block view, interleaved,
//! some of them interrupted at a poll) on every chip geometry this build of
//! the core takes, each call checked against the reference model and the
//! latency bound (`mp_romfs_sim::check`); then a deploy by every client,
//! which must land whatever happened before.  The fuzz target (fuzz/) runs
//! the same checks with coverage guidance for longer.

use mp_romfs_sim::check::Checked;
use mp_romfs_sim::clients::Client;
use mp_romfs_sim::image::image;
use mp_romfs_sim::setups;
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
    /// The next call's N-th poll raises.
    Interrupt(u8),
    Reboot,
    #[cfg_attr(not(feature = "blockdev"), allow(dead_code))]
    Block(BlockArgs),
}

/// A block-view call: (kind, block, offset, length, seed).
type BlockArgs = (u8, i8, u32, u16, u8);

fn call() -> impl Strategy<Value = Call> {
    let off = prop_oneof![0u32..600 * K, (0u32..150).prop_map(|k| k * 4096), Just(u32::MAX)];
    prop_oneof![
        off.clone().prop_map(Call::Prepare),
        (off.clone(), off.clone()).prop_map(|(a, b)| Call::PrepareAt(a, b)),
        (off, 0u16..9000, any::<u8>()).prop_map(|(o, n, s)| Call::Write(o, n, s)),
        Just(Call::Complete),
        Just(Call::MinPrepare),
        prop::collection::vec(any::<isize>(), 0..5).prop_map(Call::Raw),
        (1u8..6).prop_map(Call::Interrupt),
        Just(Call::Reboot),
        (0u8..4, -1i8..8, prop_oneof![0u32..300 * K, Just(u32::MAX)], 0u16..9000, any::<u8>()).prop_map(Call::Block),
    ]
}

fn run(c: &mut Checked, call: &Call) -> Result<isize, String> {
    let data = |len: usize, seed: u8| image(len + 8, u32::from(seed))[8..].to_vec();
    match call {
        Call::Prepare(len) => c.ioctl(&[3, 0, *len as isize], &[]),
        Call::PrepareAt(off, len) => c.ioctl(&[3, 0, *off as isize, *len as isize], &[]),
        Call::Write(off, n, seed) => c.ioctl(&[4, 0, *off as isize, 0], &data(*n as usize, *seed)),
        Call::Complete => c.ioctl(&[5, 0], &[]),
        Call::MinPrepare => c.ioctl(&[6, 0], &[]),
        Call::Raw(args) => c.ioctl(args, b"raw"),
        Call::Interrupt(n) => {
            c.rig.interrupt_at = Some(c.rig.polls + u64::from(*n));
            Ok(0)
        }
        Call::Reboot => {
            c.reboot();
            Ok(0)
        }
        #[cfg(feature = "blockdev")]
        &Call::Block((kind, n, off, len, seed)) => {
            let (n, off, len) = (n as isize, off as isize, len as usize);
            match kind {
                0 => c.readblocks(n, off, len),
                1 => c.writeblocks(n, &data(len, seed), Some(off)),
                2 => {
                    let bs = c.block_ioctl(5, 0)? as usize;
                    c.writeblocks(n, &data(if bs <= 16 * 1024 { bs } else { len }, seed), None)
                }
                _ => c.block_ioctl(seed as isize % 9 - 1, n),
            }
        }
        #[cfg(not(feature = "blockdev"))]
        Call::Block(_) => Ok(0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_calls_match_the_model(which in any::<u8>(), calls in prop::collection::vec(call(), 1..40), seed in any::<u32>()) {
        let setups = setups::supported();
        let s = setups[which as usize % setups.len()];
        let mut c = Checked::new(s.rig());
        c.deploy(Client::Mpremote129, &image(s.images.0, seed)).map_err(|e| TestCaseError::fail(format!("{}: first deploy: {e}", s.name)))?;
        for call in &calls {
            run(&mut c, call).map_err(|e| TestCaseError::fail(format!("{}: {call:?}: {e}", s.name)))?;
        }
        c.rig.interrupt_at = None;
        for (i, &client) in Client::ALL.iter().enumerate() {
            let img = image(s.images.1 - 100 * i, seed ^ (i as u32 + 1));
            c.deploy(client, &img).map_err(|e| TestCaseError::fail(format!("{}: after {calls:?}: {e}", s.name)))?;
        }
    }
}
