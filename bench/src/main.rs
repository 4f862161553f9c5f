//! Modelled device time of deploys: ours, upstream's C algorithm, and the
//! physical limit, per chip profile, image size and starting flash state;
//! and the longest call of a deploy that follows an aborted one.
//!
//! - **ours**: the core on the NOR simulator (`mp_romfs_sim::rig::Rig`),
//!   deployed to by mpremote 1.29.0's and 1.26.1's call sequences
//!   (`mp_romfs_sim::clients`); time is the simulator's sum of datasheet
//!   times of the operations it performed.
//! - **upstream**: a model of upstream's C `mp_vfs_rom_ioctl` on the same
//!   call sequence: each prepare erases every sector of the prepared range
//!   with the sector erase (no blank check, no block erase), each write
//!   programs its whole chunk (no comparison), nothing is verified.
//!   Upstream's op 6 per port: stm32 internal flash the largest sector,
//!   SPI NOR 4096, samd the page size (its erase then works in rows or
//!   blocks), Alif MRAM 16.
//! - **limit**: erasing only the sectors whose bytes must change (a new
//!   byte needs a bit that is programmed), with the largest erase operation
//!   the chip has, then programming only the pages whose bytes differ from
//!   what the flash then holds.
//!
//! Also the longest single call (maximum figures) of each, against
//! mpremote's 10 s timeout.  Prints a table; with `--csv FILE` also writes
//! the rows for the chart (tools/bench_chart.py).
//!
//! Each profile is modelled with the core as its port builds it: run with
//! `--port P` and the port's features (rust/core/features.mk), as
//! tools/bench.sh does:
//!
//!     cargo run --release -p bench --no-default-features --features "<set>" -- --port stm32 [--csv rows.csv]

use mp_romfs_sim::clients::{Client, Device};
use mp_romfs_sim::nor::profiles::*;
use mp_romfs_sim::nor::Profile;
use mp_romfs_sim::rig::Rig;

const K: u32 = 1024;
const M: u32 = 1024 * 1024;

/// A chip profile with the partition a board plausibly gives ROMFS on it.
struct Case {
    profile: &'static Profile,
    /// The port whose firmware drives this chip (its feature set).
    port: &'static str,
    /// Device address of the partition (the device starts at 0).
    part_addr: u32,
    part_len: u32,
    /// Upstream's op 6 on this port (0: none, 3-arg prepare only).
    upstream_g: u32,
    sizes: &'static [u32],
}

const CASES: &[Case] = &[
    Case {
        profile: &STM32F767,
        port: "stm32",
        part_addr: 256 * K,
        part_len: 1792 * K,
        upstream_g: 256 * K,
        sizes: &[64 * K, 256 * K, 1024 * K, 1792 * K],
    },
    Case {
        profile: &STM32H743,
        port: "stm32",
        part_addr: 256 * K,
        part_len: 1792 * K,
        upstream_g: 128 * K,
        sizes: &[64 * K, 256 * K, 1024 * K, 1792 * K],
    },
    Case {
        profile: &W25Q128,
        port: "stm32",
        part_addr: 0,
        part_len: 16 * M,
        upstream_g: 4096,
        sizes: &[64 * K, M, 8 * M, 16 * M],
    },
    Case {
        profile: &SAMD21,
        port: "samd21",
        part_addr: 128 * K,
        part_len: 128 * K,
        upstream_g: 64,
        sizes: &[12 * K, 64 * K, 128 * K],
    },
    Case {
        profile: &SAMD51,
        port: "samd51",
        part_addr: 512 * K,
        part_len: 512 * K,
        upstream_g: 512,
        sizes: &[64 * K, 256 * K, 512 * K],
    },
    Case {
        profile: &IS25WX256,
        port: "alif",
        part_addr: 0,
        part_len: 16 * M,
        upstream_g: 4096,
        sizes: &[64 * K, M, 8 * M, 16 * M],
    },
    Case {
        profile: &ALIF_MRAM,
        port: "alif",
        part_addr: 0,
        part_len: 4 * M,
        upstream_g: 16,
        sizes: &[64 * K, M, 4 * M],
    },
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Start {
    Blank,
    Different,
    Same,
}

/// Typical total and the longest call at maximum figures, nanoseconds.
#[derive(Clone, Copy, Default, Debug)]
struct Time {
    typ: u64,
    longest_max: u64,
}

/// The rig, recording the longest call.
struct Timed<'r> {
    rig: &'r mut Rig,
    longest: u64,
}

impl Device for Timed<'_> {
    fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> isize {
        let r = self.rig.ioctl(args, buf);
        // mpremote checks nothing; the bench does (every deploy must land).
        assert!(r >= 0, "rom_ioctl{args:?} returned {r}");
        self.longest = self.longest.max(self.rig.last_ns);
        r
    }
    fn segment(&self) -> &[u8] {
        self.rig.mem()
    }
}

fn rig(case: &Case) -> Rig {
    Rig::new(case.profile, 0, case.part_addr, case.part_len)
}

/// Deploys `image` with `client`; our time.
fn deploy(rig: &mut Rig, client: Client, image: &[u8]) -> Time {
    let typ = rig.sim.stats.typ_ns;
    let mut dev = Timed { rig, longest: 0 };
    client.deploy(&mut dev, image).expect("deploy");
    let longest_max = dev.longest;
    assert!(rig.mem()[..image.len()] == *image, "the deploy landed");
    assert_eq!(rig.sim.stats.violations, 0);
    Time { typ: rig.sim.stats.typ_ns - typ, longest_max }
}

/// The sectors of `case`'s partition as (offset, size) pairs.
fn sectors(case: &Case) -> Vec<(u32, u32)> {
    let rig = rig(case);
    let seg = rig.segment().expect("this build takes the case's segment");
    let mut out = Vec::new();
    let mut off = 0;
    while off < case.part_len {
        let s = seg.unit_at(off);
        out.push((off, s.size));
        off += s.size;
    }
    out
}

fn erase_ns(p: &Profile, size: u32) -> (u64, u64) {
    p.erase_ns(size).unwrap_or((0, 0))
}

fn no_erase(p: &Profile) -> bool {
    u32::from(p.flags) & mp_romfs::bindings::MP_ROMFS_NO_ERASE != 0
}

/// Upstream's C algorithm on mpremote's sequence (see the module docs):
/// prepares of mpremote 1.29.0 (`new_mpremote`) or 1.26.1, 4 KiB writes.
fn upstream(case: &Case, image: &[u8], new_mpremote: bool) -> Time {
    let p = case.profile;
    let secs = sectors(case);
    let len = image.len() as u32;
    let mut prepares = Vec::new();
    match case.upstream_g {
        g if new_mpremote && g > 0 && g < case.part_len => {
            let mut off = 0;
            while off < len {
                let n = (len - off).min(32768).div_ceil(g) * g;
                prepares.push((off, n));
                off += n;
            }
        }
        _ => prepares.push((0, len)),
    }
    let mut time = Time::default();
    let mut add = |(typ, max): (u64, u64)| {
        time.typ += typ;
        time.longest_max = time.longest_max.max(max);
    };
    for (off, n) in prepares {
        add(erase_range(p, &secs, off, n));
    }
    for off in (0..len).step_by(4096) {
        add(p.program_ns(case.part_addr + off, 4096));
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

/// The physical limit (see the module docs), typical figures.
fn limit(case: &Case, old: &[u8], image: &[u8]) -> u64 {
    let p = case.profile;
    let erased = p.erased;
    let old_at = |i: usize| old.get(i).copied().unwrap_or(erased);
    let mut typ = 0;
    // A sector must be erased if some new byte needs a bit that is
    // programmed.
    let secs = sectors(case);
    let must: Vec<(u32, u32)> = if no_erase(p) {
        Vec::new()
    } else {
        secs.iter()
            .copied()
            .filter(|&(s, size)| {
                (s as usize..((s + size) as usize).min(image.len()))
                    .any(|i| (old_at(i) ^ erased) & (old_at(i) ^ image[i]) != 0)
            })
            .collect()
    };
    let blocks: Vec<u32> = (0..32).map(|k| 1u32 << k).filter(|b| p.block_erase_log2_mask & b != 0).rev().collect();
    let mut i = 0;
    while i < must.len() {
        let (s, size) = must[i];
        // The largest block starting here whose sectors all must change.
        let mut op = size;
        for &b in &blocks {
            let n = (b / size) as usize;
            if (case.part_addr + s).is_multiple_of(b) && i + n <= must.len() && must[i + n - 1].0 == s + b - size {
                op = b;
                break;
            }
        }
        typ += erase_ns(p, op).0;
        i += (op / size) as usize;
    }
    // Then the pages whose bytes differ from what the flash holds.
    let erased_at = |i: usize| must.iter().any(|&(s, size)| (s as usize..(s + size) as usize).contains(&i));
    let page = p.program_chunk.max(1) as usize;
    let pages = (0..image.len().div_ceil(page))
        .filter(|&k| {
            (k * page..image.len().min(k * page + page))
                .any(|i| image[i] != if erased_at(i) { erased } else { old_at(i) })
        })
        .count() as u64;
    typ + pages * u64::from(p.program_ns.0)
}

fn pseudo_random(len: usize, seed: u32) -> Vec<u8> {
    mp_romfs_sim::image::image(len, seed)
}

fn secs(ns: u64) -> f64 {
    ns as f64 / 1e9
}

fn main() {
    let arg = |name: &str| std::env::args().skip_while(|a| a != name).nth(1);
    let port = arg("--port").expect("--port stm32|samd21|samd51|alif (with that port's features)");
    let csv_path = arg("--csv");
    let mut csv = String::new();
    if csv_path.as_ref().is_some_and(|p| !std::path::Path::new(p).exists()) {
        csv += "profile,size,start,ours_1_29,ours_1_26,upstream_1_29,upstream_1_26,limit,longest_ours_1_29,longest_ours_1_26,longest_upstream_1_29,longest_upstream_1_26\n";
    }
    println!("port {port}: modelled device time of a deploy (typical figures, seconds), and the longest single call (maximum figures)");
    println!(
        "{:10} {:>6} {:9} | {:>8} {:>8} | {:>9} {:>9} | {:>8} | {:>10} {:>12} | {:>11} {:>11}",
        "profile",
        "image",
        "flash",
        "ours1.29",
        "ours1.26",
        "upstr1.29",
        "upstr1.26",
        "limit",
        "ours/limit",
        "upstr/ours",
        "longest ours",
        "longest upstr"
    );
    let cases: Vec<&Case> = CASES.iter().filter(|c| c.port == port).collect();
    for case in &cases {
        for &size in case.sizes {
            let new = pseudo_random(size as usize, size ^ 1);
            for start in [Start::Blank, Start::Different, Start::Same] {
                let old = match start {
                    Start::Blank => Vec::new(),
                    Start::Different => pseudo_random(size as usize, size ^ 2),
                    Start::Same => new.clone(),
                };
                let mut ours = [Time::default(); 2];
                for (i, client) in [Client::Mpremote129, Client::Mpremote126].into_iter().enumerate() {
                    let mut r = rig(case);
                    if !old.is_empty() {
                        deploy(&mut r, Client::Mpremote129, &old);
                    }
                    ours[i] = deploy(&mut r, client, &new);
                }
                let up = [upstream(case, &new, true), upstream(case, &new, false)];
                let lim = limit(case, &old, &new);
                let worst = ours[0].typ.max(ours[1].typ);
                let best_up = up[0].typ.min(up[1].typ);
                let ratio = if lim == 0 {
                    if worst == 0 {
                        1.0
                    } else {
                        f64::INFINITY
                    }
                } else {
                    worst as f64 / lim as f64
                };
                let gain = if worst == 0 { f64::INFINITY } else { best_up as f64 / worst as f64 };
                let name = case.profile.name;
                let kib = format!("{}K", size / 1024);
                println!("{:10} {:>6} {:9} | {:8.2} {:8.2} | {:9.2} {:9.2} | {:8.2} | {:10.2} {:12.1} | {:5.2} {:5.2} | {:6.1} {:6.1}",
                    name, kib, format!("{start:?}").to_lowercase(), secs(ours[0].typ), secs(ours[1].typ),
                    secs(up[0].typ), secs(up[1].typ), secs(lim), ratio, gain,
                    secs(ours[0].longest_max), secs(ours[1].longest_max), secs(up[0].longest_max), secs(up[1].longest_max));
                csv += &format!(
                    "{name},{size},{start:?},{},{},{},{},{},{},{},{},{}\n",
                    ours[0].typ,
                    ours[1].typ,
                    up[0].typ,
                    up[1].typ,
                    lim,
                    ours[0].longest_max,
                    ours[1].longest_max,
                    up[0].longest_max,
                    up[1].longest_max
                );
            }
        }
    }
    // A deploy that follows an aborted one: the largest image deployed, a
    // different one started and cut off after 64 KiB of writes (all of its
    // prepares made), then a 32 KiB image.
    println!("\nport {port}: longest call (maximum figures, seconds) of a 32K deploy after an aborted one");
    println!("{:10} {:>10} {:>10}", "profile", "mpremote1.29", "mpremote1.26");
    for case in &cases {
        let size = *case.sizes.last().unwrap();
        let mut longest = [0u64; 2];
        for (i, client) in [Client::Mpremote129, Client::Mpremote126].into_iter().enumerate() {
            let mut r = rig(case);
            deploy(&mut r, Client::Mpremote129, &pseudo_random(size as usize, 7));
            let other = pseudo_random(size as usize, 8);
            let mut cut = other.clone();
            cut.truncate(64 * K as usize);
            // The aborted deploy: its prepares for the whole image, its
            // first 64K of writes, no op 5.
            let g = r.min_prepare();
            if client == Client::Mpremote129 && g > 0 && (g as u32) < case.part_len {
                let mut off = 0;
                while off < size {
                    let n = (size - off).min(32768).div_ceil(g as u32) * g as u32;
                    r.prepare_at(off, n);
                    off += n;
                }
            } else {
                r.prepare(size);
            }
            for off in (0..cut.len()).step_by(4096) {
                r.write(off as u32, &cut[off..off + 4096]);
            }
            longest[i] = deploy(&mut r, client, &pseudo_random(32 * K as usize, 9)).longest_max;
        }
        println!("{:10} {:>10.2} {:>10.2}", case.profile.name, secs(longest[0]), secs(longest[1]));
    }
    if let Some(path) = csv_path {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path).expect("open csv");
        f.write_all(csv.as_bytes()).expect("write csv");
        println!("rows written to {path}");
    }
}
