//! Random `vfs.rom_ioctl` and block-view call sequences, some of them
//! interrupted at a poll, on every setup this build of the core takes, each
//! call checked against the reference model and the latency bound by
//! `mp_romfs_sim::check::Checked`; then a deploy by one of the clients,
//! which must land.  (The property test ends with every client; small images
//! here keep the fuzzer fast.)  A broken rule panics, which libFuzzer reports as a crash.  The
//! input is decoded by `arbitrary`.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mp_romfs_sim::check::Checked;
use mp_romfs_sim::clients::Client;
use mp_romfs_sim::image::image;
use mp_romfs_sim::setups;

/// An integer argument: small, a multiple of 4 KiB, near the segment's end,
/// negative, huge, or any.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Int {
    Small(u8),
    Sectors(u8),
    FromEnd(u8),
    Negative(u16),
    Huge(u8),
    Any(isize),
}

impl Int {
    fn get(self, len: u32) -> isize {
        match self {
            Int::Small(x) => isize::from(x % 64),
            Int::Sectors(x) => isize::from(x) * 4096,
            Int::FromEnd(x) => len as isize - isize::from(x % 64),
            Int::Negative(x) => -((x % 5000) as isize),
            Int::Huge(x) => isize::MAX - isize::from(x % 3),
            Int::Any(x) => x,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Call {
    Prepare(Int),
    PrepareAt(Int, Int),
    Write(Int, u16, u8),
    Complete,
    MinPrepare,
    Raw(Vec<isize>),
    Interrupt(u8),
    Reboot,
    ReadBlocks(i8, Int, u16),
    WriteBlocksAt(i8, Int, u16, u8),
    WriteBlocks(i8, u8, u8),
    BlockIoctl(i8, i8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    setup: u8,
    client: u8,
    calls: Vec<Call>,
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(seed | 1) ^ seed).collect()
}

fn run(input: &Input) -> Result<(), String> {
    let setups = setups::supported();
    let s = setups[input.setup as usize % setups.len()];
    let mut c = Checked::new(s.rig());
    c.deploy(Client::Mpremote129, &image(s.images.0.min(9000), 1))?;
    let len = s.len;
    for call in &input.calls {
        match *call {
            Call::Prepare(n) => c.ioctl(&[3, 0, n.get(len)], &[])?,
            Call::PrepareAt(a, b) => c.ioctl(&[3, 0, a.get(len), b.get(len)], &[])?,
            Call::Write(off, n, seed) => c.ioctl(&[4, 0, off.get(len), 0], &data(usize::from(n % 9000), seed))?,
            Call::Complete => c.ioctl(&[5, 0], &[])?,
            Call::MinPrepare => c.ioctl(&[6, 0], &[])?,
            Call::Raw(ref args) => c.ioctl(&args[..args.len().min(5)], b"raw")?,
            Call::Interrupt(n) => {
                c.rig.interrupt_at = Some(c.rig.polls + 1 + u64::from(n % 8));
                0
            }
            Call::Reboot => {
                c.reboot();
                0
            }
            #[cfg(feature = "blockdev")]
            Call::ReadBlocks(n, off, l) => c.readblocks(isize::from(n % 10), off.get(len), usize::from(l % 5000))?,
            #[cfg(feature = "blockdev")]
            Call::WriteBlocksAt(n, off, l, seed) => {
                c.writeblocks(isize::from(n % 10), &data(usize::from(l % 5000), seed), Some(off.get(len)))?
            }
            #[cfg(feature = "blockdev")]
            Call::WriteBlocks(n, k, seed) => {
                let bs = c.block_ioctl(5, 0)? as usize;
                let l = if bs <= 16384 { bs * usize::from(k % 3) } else { usize::from(k % 64) };
                c.writeblocks(isize::from(n % 10), &data(l, seed), None)?
            }
            #[cfg(feature = "blockdev")]
            Call::BlockIoctl(op, n) => c.block_ioctl(isize::from(op % 10), isize::from(n % 10))?,
            #[cfg(not(feature = "blockdev"))]
            _ => 0,
        };
    }
    c.rig.interrupt_at = None;
    let client = Client::ALL[input.client as usize % Client::ALL.len()];
    c.deploy(client, &image(s.images.1.min(7000), 2))
}

fuzz_target!(|input: Input| {
    if let Err(e) = run(&input) {
        panic!("{e}");
    }
});
