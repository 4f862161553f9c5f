//! Modelled device time of deploys: ours, upstream's C algorithm, and the
//! physical limit, per chip profile, image size and starting flash state.
//!
//! - **ours**: the core itself, driven with mpremote 1.29.0's call sequence
//!   and with 1.26.1's, on the NOR simulator; time is the simulator's sum of
//!   datasheet times of the operations it performed.
//! - **upstream**: a model of upstream's C `mp_vfs_rom_ioctl` on the same
//!   call sequence: each prepare erases every sector of the prepared range
//!   with the sector erase (no blank check, no block erase), each write
//!   programs its whole chunk (no comparison), nothing is verified.
//!   Upstream's op 6 per port: stm32 internal flash the largest sector,
//!   SPI NOR 4096, samd the page size (its erase then works in rows or
//!   blocks), Alif MRAM 16.
//! - **limit**: erasing only the sectors whose contents must change, with
//!   the largest erase operation the chip has, plus programming the image's
//!   bytes once at the datasheet rate.
//!
//! Also the longest single call (maximum figures) of each, against
//! mpremote's 10 s timeout.  Prints a table; with `--csv FILE` also writes
//! the rows for the chart (tools/bench_chart.py).
//!
//! Each profile is modelled with the core as its port builds it: this build
//! runs the profiles whose port has the `rewrite-skip` feature if it has
//! it, the others (SAMD21) if not; tools/bench.sh runs both.
//!
//!     cargo run --release -p bench [-- --csv rows.csv]
//!     cargo run --release -p bench --no-default-features [-- --csv rows.csv]

use mp_romfs::engine::{Engine, State};
use mp_romfs::geometry::{Geometry, Segment};
use mp_romfs::ioctl::{route, run};
use mp_romfs_sim::nor::profiles::*;
use mp_romfs_sim::nor::{NorSim, Profile, SimSegment};

const K: u32 = 1024;
const M: u32 = 1024 * 1024;

/// A chip profile with the partition a board plausibly gives ROMFS on it.
struct Case {
    profile: &'static Profile,
    /// Device address of the partition (the device starts at 0).
    part_addr: u32,
    part_len: u32,
    /// Upstream's op 6 on this port (0: none, 3-arg prepare only).
    upstream_g: u32,
    sizes: &'static [u32],
    /// Whether the port builds the core with `rewrite-skip` (micropython.mk).
    rewrite_skip: bool,
}

const CASES: &[Case] = &[
    Case { profile: &STM32F767, part_addr: 256 * K, part_len: 1792 * K, upstream_g: 256 * K, sizes: &[64 * K, 256 * K, 1024 * K, 1792 * K], rewrite_skip: true },
    Case { profile: &STM32H743, part_addr: 256 * K, part_len: 1792 * K, upstream_g: 128 * K, sizes: &[64 * K, 256 * K, 1024 * K, 1792 * K], rewrite_skip: true },
    Case { profile: &SAMD21, part_addr: 128 * K, part_len: 128 * K, upstream_g: 64, sizes: &[12 * K, 64 * K, 128 * K], rewrite_skip: false },
    Case { profile: &SAMD51, part_addr: 512 * K, part_len: 512 * K, upstream_g: 512, sizes: &[64 * K, 256 * K, 512 * K], rewrite_skip: true },
    Case { profile: &W25Q128, part_addr: 0, part_len: 16 * M, upstream_g: 4096, sizes: &[64 * K, 1 * M, 8 * M, 16 * M], rewrite_skip: true },
    Case { profile: &IS25WX256, part_addr: 0, part_len: 16 * M, upstream_g: 4096, sizes: &[64 * K, 1 * M, 8 * M, 16 * M], rewrite_skip: true },
    Case { profile: &ALIF_MRAM, part_addr: 0, part_len: 4 * M, upstream_g: 16, sizes: &[64 * K, 1 * M, 4 * M], rewrite_skip: true },
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Start {
    Blank,
    Different,
    Same,
}

/// One mpremote call, with what it carries.
enum Call {
    Prepare3(u32),
    Prepare4(u32, u32),
    Write(u32, Vec<u8>),
    Complete,
}

/// mpremote's call sequence for `image` on a partition of `part_len` bytes
/// whose op 6 is `g` (1.29.0), or without op 6 (1.26.1; `g` = None).
fn sequence(image: &[u8], part_len: u32, g: Option<u32>, min_write: u32) -> Vec<Call> {
    let mut calls = Vec::new();
    let len = image.len() as u32;
    match g {
        Some(g) if g > 0 && g < part_len => {
            let mut off = 0;
            while off < len {
                let n = (len - off).min(32768).div_ceil(g) * g;
                calls.push(Call::Prepare4(off, n));
                off += n;
            }
        }
        _ => calls.push(Call::Prepare3(len)),
    }
    let chunk = 4096.max(min_write as usize);
    for off in (0..image.len()).step_by(chunk) {
        let mut buf = image[off..image.len().min(off + chunk)].to_vec();
        buf.resize(chunk, 0);
        calls.push(Call::Write(off as u32, buf));
    }
    calls.push(Call::Complete);
    calls
}

/// Typical total and the longest call at maximum figures, nanoseconds.
#[derive(Clone, Copy, Default, Debug)]
struct Time {
    typ: u64,
    longest_max: u64,
}

/// Our core on a device whose partition holds `old` (or is blank).
struct Device {
    sim: NorSim<Vec<u8>>,
    raw: mp_romfs::bindings::mp_romfs_geometry_t,
    state: State,
    addr: u32,
    len: u32,
}

impl Device {
    fn new(case: &Case) -> Self {
        let p = case.profile;
        let mem = vec![p.erased; (case.part_addr + case.part_len) as usize];
        let sim = NorSim::new(p, 0, mem, (case.part_addr, case.part_addr + case.part_len));
        Device { raw: sim.raw_geometry(), sim, state: State::new(), addr: case.part_addr, len: case.part_len }
    }

    fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> isize {
        let seg = Segment::new(self.addr, self.len, Geometry::new(&self.raw, self.sim.profile().runs)).expect("segment");
        match route(args, 1) {
            (false, v) => v,
            (true, _) => run(&mut Engine::new(seg, &mut self.state, SimSegment::new(&mut self.sim, self.addr, self.len)), args, buf),
        }
    }

    /// Deploys with mpremote's sequence; returns our time.
    fn deploy(&mut self, image: &[u8], new_mpremote: bool) -> Time {
        let g = new_mpremote.then(|| self.ioctl(&[6, 0], &[]).max(0) as u32);
        // The writes' chunk is mpremote's max(4096, what op 3 returns): the
        // program unit, at most 32 bytes, so 4096 here.
        let min_write = |unit: isize| assert!((1..=4096).contains(&unit), "op 3 returned {unit}");
        let mut time = Time::default();
        let start = self.sim.stats;
        for call in sequence(image, self.len, g, 1) {
            let before = self.sim.stats.max_ns;
            match call {
                Call::Prepare3(len) => min_write(self.ioctl(&[3, 0, len as isize], &[])),
                Call::Prepare4(off, len) => min_write(self.ioctl(&[3, 0, off as isize, len as isize], &[])),
                Call::Write(off, buf) => {
                    assert_eq!(self.ioctl(&[4, 0, off as isize, 0], &buf), 0, "write at {off}");
                }
                Call::Complete => assert_eq!(self.ioctl(&[5, 0], &[]), 0),
            }
            time.longest_max = time.longest_max.max(self.sim.stats.max_ns - before);
        }
        time.typ = self.sim.stats.typ_ns - start.typ_ns;
        assert_eq!(&self.mem()[..image.len()], image, "the deploy landed");
        assert_eq!(self.sim.stats.violations, 0);
        time
    }

    fn mem(&self) -> &[u8] {
        &self.sim.bytes()[self.addr as usize..(self.addr + self.len) as usize]
    }
}

/// The sectors of `case`'s partition as (offset, size) pairs.
fn sectors(case: &Case) -> Vec<(u32, u32)> {
    let raw = case.profile.raw_geometry(0);
    let g = Geometry::new(&raw, case.profile.runs);
    let mut out = Vec::new();
    let mut a = case.part_addr;
    while a < case.part_addr + case.part_len {
        let s = g.sector_at(a);
        out.push((s.start - case.part_addr, s.size));
        a = s.end();
    }
    out
}

fn erase_ns(p: &Profile, size: u32) -> (u64, u64) {
    p.erase_ns(size).unwrap_or((0, 0))
}

fn no_erase(p: &Profile) -> bool {
    u32::from(p.flags) & mp_romfs::bindings::MP_ROMFS_NO_ERASE != 0
}

/// Upstream's C algorithm on mpremote's sequence (see the module docs).
fn upstream(case: &Case, image: &[u8], new_mpremote: bool) -> Time {
    let p = case.profile;
    let secs = sectors(case);
    let g = new_mpremote.then_some(case.upstream_g);
    let mut time = Time::default();
    for call in sequence(image, case.part_len, g, 4) {
        let (typ, max) = match call {
            Call::Prepare3(len) => erase_range(p, &secs, 0, len),
            Call::Prepare4(off, len) => erase_range(p, &secs, off, len),
            Call::Write(off, buf) => p.program_ns(case.part_addr + off, buf.len() as u32),
            Call::Complete => (0, 0),
        };
        time.typ += typ;
        time.longest_max = time.longest_max.max(max);
    }
    time
}

/// Erasing every sector overlapping `off..off + len` with the sector erase.
fn erase_range(p: &Profile, secs: &[(u32, u32)], off: u32, len: u32) -> (u64, u64) {
    if no_erase(p) {
        return (0, 0);
    }
    secs.iter()
        .filter(|&&(s, size)| s < off + len && s + size > off)
        .map(|&(_, size)| erase_ns(p, size))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

/// The physical limit: erase only the sectors whose bytes must change,
/// grouped into the largest aligned erase operations, then program the
/// image once.
fn limit(case: &Case, old: &[u8], image: &[u8]) -> u64 {
    let p = case.profile;
    let mut typ = p.program_ns(case.part_addr, image.len() as u32).0;
    if no_erase(p) {
        return typ;
    }
    let erased = p.erased;
    // A sector must change if some new byte needs a bit that is programmed.
    let must: Vec<(u32, u32)> = sectors(case)
        .into_iter()
        .filter(|&(s, size)| {
            let range = s as usize..((s + size) as usize).min(image.len());
            range.clone().any(|i| {
                let cur = old.get(i).copied().unwrap_or(erased);
                (cur ^ erased) & (cur ^ image[i]) != 0
            })
        })
        .collect();
    let blocks: Vec<u32> = (0..32).map(|k| 1u32 << k).filter(|b| p.block_erase_log2_mask & b != 0).rev().collect();
    let mut i = 0;
    while i < must.len() {
        let (s, size) = must[i];
        // The largest block starting here whose sectors all must change.
        let mut op = size;
        for &b in &blocks {
            let n = (b / size) as usize;
            let addr = case.part_addr + s;
            if addr % b == 0 && i + n <= must.len() && must[i + n - 1].0 == s + b - size {
                op = b;
                break;
            }
        }
        typ += erase_ns(p, op).0;
        i += (op / size) as usize;
    }
    typ
}

fn pseudo_random(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2654435761) | 1;
    let mut v: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    v[..3].copy_from_slice(&[0xd2, 0xcd, 0x31]);
    let payload = (len - 7) as u32;
    v[3..7].copy_from_slice(&[0x80 | (payload >> 21) as u8 & 0x7f, 0x80 | (payload >> 14) as u8 & 0x7f, 0x80 | (payload >> 7) as u8 & 0x7f, payload as u8 & 0x7f]);
    v
}

fn secs(ns: u64) -> f64 {
    ns as f64 / 1e9
}

fn main() {
    let csv_path = std::env::args().skip_while(|a| a != "--csv").nth(1);
    let mut csv = String::from("profile,size,start,ours_1_29,ours_1_26,upstream_1_29,upstream_1_26,limit,longest_ours_1_29,longest_ours_1_26,longest_upstream_1_29,longest_upstream_1_26\n");
    let skip = if cfg!(feature = "rewrite-skip") { "with" } else { "without" };
    println!("Modelled device time of a deploy (typical figures, seconds), and the longest single call (maximum figures);");
    println!("profiles whose port builds the core {skip} rewrite-skip.");
    println!("{:10} {:>6} {:9} | {:>8} {:>8} | {:>9} {:>9} | {:>8} | {:>10} {:>12} | {:>11} {:>11}",
        "profile", "image", "flash", "ours1.29", "ours1.26", "upstr1.29", "upstr1.26", "limit", "ours/limit", "upstr/ours", "longest ours", "longest upstr");
    for case in CASES.iter().filter(|c| c.rewrite_skip == cfg!(feature = "rewrite-skip")) {
        for &size in case.sizes {
            let new = pseudo_random(size as usize, size ^ 1);
            for start in [Start::Blank, Start::Different, Start::Same] {
                let old = match start {
                    Start::Blank => Vec::new(),
                    Start::Different => pseudo_random(size as usize, size ^ 2),
                    Start::Same => new.clone(),
                };
                let mut ours = [Time::default(); 2];
                for (i, new_mpremote) in [true, false].into_iter().enumerate() {
                    let mut dev = Device::new(case);
                    if !old.is_empty() {
                        dev.deploy(&old, true);
                    }
                    ours[i] = dev.deploy(&new, new_mpremote);
                }
                let up = [upstream(case, &new, true), upstream(case, &new, false)];
                let lim = limit(case, &old, &new);
                let worst = ours[0].typ.max(ours[1].typ);
                let best_up = up[0].typ.min(up[1].typ);
                let ratio = if lim == 0 { 0.0 } else { worst as f64 / lim as f64 };
                let gain = if worst == 0 { f64::INFINITY } else { best_up as f64 / worst as f64 };
                let name = case.profile.name;
                let kib = format!("{}K", size / 1024);
                println!("{:10} {:>6} {:9} | {:8.2} {:8.2} | {:9.2} {:9.2} | {:8.2} | {:10.2} {:12.1} | {:5.2} {:5.2} | {:6.1} {:6.1}",
                    name, kib, format!("{start:?}").to_lowercase(), secs(ours[0].typ), secs(ours[1].typ),
                    secs(up[0].typ), secs(up[1].typ), secs(lim), ratio, gain,
                    secs(ours[0].longest_max), secs(ours[1].longest_max), secs(up[0].longest_max), secs(up[1].longest_max));
                csv += &format!("{name},{size},{start:?},{},{},{},{},{},{},{},{},{}\n",
                    ours[0].typ, ours[1].typ, up[0].typ, up[1].typ, lim,
                    ours[0].longest_max, ours[1].longest_max, up[0].longest_max, up[1].longest_max);
            }
        }
    }
    if let Some(path) = csv_path {
        std::fs::write(&path, csv).expect("write csv");
        println!("rows written to {path}");
    }
}
