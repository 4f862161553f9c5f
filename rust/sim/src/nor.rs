//! A NOR flash simulator: the flash of every host test, benchmark and test
//! firmware.
//!
//! It enforces what real chips enforce and records what they cost:
//! - erase only whole sectors, or aligned blocks the chip declares;
//! - program only whole program units, aligned, and only bits that are still
//!   erased (AND semantics), or, on write-once flash (ECC flash words), only
//!   fully erased units;
//! - a fence: any erase or program touching bytes outside the segment under
//!   test is refused and counted as a violation;
//! - datasheet timings (typical and maximum), accumulated as modelled time;
//! - an operation log (with `std`) and counters;
//! - a power-cut countdown: the N-th operation is torn (half done) and every
//!   later one fails, as after a reset.
//!
//! Violations change nothing and return an error; tests assert that none
//! happened.
#![forbid(unsafe_code)]

use mp_romfs::bindings::{mp_romfs_geometry_t, MP_ROMFS_NO_ERASE, MP_ROMFS_WRITE_ONCE};
use mp_romfs::engine::Flash;
use mp_romfs::error::{Error, Result};
use mp_romfs::geometry::{Geometry, Sector, SectorRun};

/// Datasheet time of one erase operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EraseTime {
    /// Bytes erased by the operation.
    pub size: u32,
    /// Typical time, microseconds.
    pub typ_us: u32,
    /// Maximum time, microseconds.
    pub max_us: u32,
}

/// A chip profile: layout, write rules and datasheet timings.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    /// Name for reports.
    pub name: &'static str,
    /// Sector runs of the device.
    pub runs: &'static [SectorRun],
    /// Block erase sizes (bit k: 2^k bytes).
    pub block_erase_log2_mask: u32,
    /// Program unit, log2 bytes.
    pub program_log2: u8,
    /// Erased byte value.
    pub erased: u8,
    /// `MP_ROMFS_WRITE_ONCE` / `MP_ROMFS_NO_ERASE`.
    pub flags: u8,
    /// Every erase operation of the chip with its time.
    pub erase: &'static [EraseTime],
    /// Bytes programmed by one program operation (page, word, flash word).
    pub program_chunk: u32,
    /// Typical and maximum time of one program operation, nanoseconds.
    pub program_ns: (u32, u32),
    /// Where the datasheet figures come from.
    pub source: &'static str,
}

const fn run(count: u32, size_log2: u32) -> SectorRun {
    SectorRun { count, size_log2 }
}

const fn et(size: u32, typ_ms: u32, max_ms: u32) -> EraseTime {
    EraseTime { size, typ_us: typ_ms * 1000, max_us: max_ms * 1000 }
}

const K: u32 = 1024;

/// The chip profiles the project tests and benchmarks.
pub mod profiles {
    use super::*;

    /// STM32F767 internal flash, single bank: 4x32K, 1x128K, 7x256K; 32-bit
    /// words.
    pub const STM32F767: Profile = Profile {
        name: "STM32F767",
        runs: &[run(4, 15), run(1, 17), run(7, 18)],
        block_erase_log2_mask: 0,
        program_log2: 2,
        erased: 0xff,
        flags: 0,
        erase: &[et(32 * K, 400, 800), et(128 * K, 1200, 2400), et(256 * K, 2000, 4000)],
        program_chunk: 4,
        program_ns: (16_000, 100_000),
        source: "STM32F76x datasheet, flash characteristics: maxima (32K 0.8 s, 128K 2.4 s, 256K 4 s, word 100 us); typical = half of max, word 16 us",
    };

    /// STM32F429 internal flash, 2 banks of 4x16K, 1x64K, 7x128K; 32-bit words.
    pub const STM32F429: Profile = Profile {
        name: "STM32F429",
        runs: &[run(4, 14), run(1, 16), run(7, 17), run(4, 14), run(1, 16), run(7, 17)],
        block_erase_log2_mask: 0,
        program_log2: 2,
        erased: 0xff,
        flags: 0,
        erase: &[et(16 * K, 250, 500), et(64 * K, 550, 1100), et(128 * K, 1000, 2000)],
        program_chunk: 4,
        program_ns: (16_000, 100_000),
        source: "STM32F42x datasheet, flash characteristics (128K 2 s max at x32); 16K/64K scaled; word 16/100 us",
    };

    /// STM32H743 internal flash: 16x128K, 32-byte flash words written once (ECC).
    pub const STM32H743: Profile = Profile {
        name: "STM32H743",
        runs: &[run(16, 17)],
        block_erase_log2_mask: 0,
        program_log2: 5,
        erased: 0xff,
        flags: MP_ROMFS_WRITE_ONCE as u8,
        erase: &[et(128 * K, 1100, 2200)],
        program_chunk: 32,
        program_ns: (100_000, 290_000),
        source:
            "STM32H743 datasheet, flash characteristics: 128K x32 1.1/2.2 s; flash word 100-290 us (taken as typ/max)",
    };

    /// SAMD21 internal NVM (256 KiB): 256-byte rows, 64-byte pages, 32-bit writes.
    pub const SAMD21: Profile = Profile {
        name: "SAMD21",
        runs: &[run(1024, 8)],
        block_erase_log2_mask: 0,
        program_log2: 2,
        erased: 0xff,
        flags: 0,
        erase: &[EraseTime { size: 256, typ_us: 2_000, max_us: 6_000 }],
        program_chunk: 64,
        program_ns: (266_000, 2_500_000),
        source: "SAM D21 family datasheet, NVM: row erase 2/6 ms (its order of magnitude); 4 KiB programmed in 17 ms at 48 MHz (266 us/page)",
    };

    /// SAMD51 internal NVM (1 MiB): 8 KiB blocks, 512-byte pages, 16-byte
    /// quad-word writes, written once per erase (the flash has ECC).
    pub const SAMD51: Profile = Profile {
        name: "SAMD51",
        runs: &[run(128, 13)],
        block_erase_log2_mask: 0,
        program_log2: 4,
        erased: 0xff,
        flags: MP_ROMFS_WRITE_ONCE as u8,
        erase: &[et(8 * K, 4, 200)],
        program_chunk: 16,
        program_ns: (30_000, 150_000),
        source: "SAM D5x datasheet, NVM geometry; block erase 4/200 ms, quad-word 30/150 us (datasheet order)",
    };

    /// Winbond W25Q128JV (16 MiB QSPI NOR): 4K sectors, 32K/64K blocks,
    /// 256-byte pages, byte-programmable.
    pub const W25Q128: Profile = Profile {
        name: "W25Q128JV",
        runs: &[run(4096, 12)],
        block_erase_log2_mask: (1 << 15) | (1 << 16),
        program_log2: 0,
        erased: 0xff,
        flags: 0,
        erase: &[et(4 * K, 45, 400), et(32 * K, 120, 1600), et(64 * K, 150, 2000)],
        program_chunk: 256,
        program_ns: (400_000, 3_000_000),
        source: "W25Q128JV datasheet, AC characteristics: 4K 45/400 ms, 64K 150/2000 ms, page 0.4/3 ms; 32K 120/1600 ms (datasheet)",
    };

    /// ISSI IS25WX256 (32 MiB OSPI NOR on Alif): 4K sectors, 64K blocks,
    /// 256-byte pages; the Alif driver writes 32-bit words.
    pub const IS25WX256: Profile = Profile {
        name: "IS25WX256",
        runs: &[run(8192, 12)],
        block_erase_log2_mask: 1 << 16,
        program_log2: 2,
        erased: 0xff,
        flags: 0,
        erase: &[et(4 * K, 80, 400), et(64 * K, 150, 1000)],
        program_chunk: 256,
        program_ns: (150_000, 1_800_000),
        source: "IS25WX256 datasheet, AC characteristics: 4K 80/400 ms, 64K 150/1000 ms, page 0.15/1.8 ms",
    };

    /// Alif Ensemble MRAM: no erase, 16-byte writes; 4 KiB granularity for
    /// prepares and blocks.
    pub const ALIF_MRAM: Profile = Profile {
        name: "Alif MRAM",
        runs: &[run(1408, 12)],
        block_erase_log2_mask: 0,
        program_log2: 4,
        erased: 0xff,
        flags: MP_ROMFS_NO_ERASE as u8,
        erase: &[],
        program_chunk: 16,
        program_ns: (1_000, 2_000),
        source:
            "Alif Ensemble datasheet, MRAM: no erase, 16-byte write unit; 1/2 us per unit assumed (no figure given)",
    };

    /// Every profile, in the order of the C ids `MP_ROMFS_SIM_*`.
    pub const ALL: [&Profile; 8] =
        [&STM32F767, &STM32F429, &STM32H743, &SAMD21, &SAMD51, &W25Q128, &IS25WX256, &ALIF_MRAM];
}

impl Profile {
    /// The device layout with its first sector at `base`, as a port
    /// describes it in C.
    pub fn raw_geometry(&self, base: u32) -> mp_romfs_geometry_t {
        mp_romfs_geometry_t {
            runs: self.runs.as_ptr(),
            n_runs: self.runs.len() as u32,
            base,
            block_erase_log2_mask: self.block_erase_log2_mask,
            program_log2: self.program_log2,
            erased: self.erased,
            flags: self.flags,
        }
    }

    /// Bytes of the whole device.
    pub fn device_size(&self) -> u32 {
        self.runs.iter().map(|r| r.count << r.size_log2).sum()
    }

    /// Time of one erase of `size` bytes, (typ, max) nanoseconds.
    pub fn erase_ns(&self, size: u32) -> Option<(u64, u64)> {
        let t = self.erase.iter().find(|t| t.size == size)?;
        Some((u64::from(t.typ_us) * 1000, u64::from(t.max_us) * 1000))
    }

    /// Time to program `len` bytes at `addr`, (typ, max) nanoseconds: one
    /// program operation per chunk touched.
    pub fn program_ns(&self, addr: u32, len: u32) -> (u64, u64) {
        if len == 0 {
            return (0, 0);
        }
        let c = self.program_chunk.max(1);
        let ops = u64::from((addr + len - 1) / c - addr / c + 1);
        (ops * u64::from(self.program_ns.0), ops * u64::from(self.program_ns.1))
    }
}

/// The bytes a simulator works on.
pub trait Memory {
    /// All bytes of the device.
    fn bytes(&self) -> &[u8];
    /// All bytes of the device, to change.
    fn bytes_mut(&mut self) -> &mut [u8];
}

impl Memory for &mut [u8] {
    fn bytes(&self) -> &[u8] {
        self
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}

#[cfg(feature = "std")]
impl Memory for std::vec::Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}

/// One flash operation, as logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Erase of `size` bytes at device address `addr`.
    Erase {
        /// Device address.
        addr: u32,
        /// Bytes.
        size: u32,
    },
    /// Program of `len` bytes at device address `addr`.
    Program {
        /// Device address.
        addr: u32,
        /// Bytes.
        len: u32,
    },
}

/// Why the simulator refused an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Touches bytes outside the fence (the segment under test).
    Fence,
    /// Not a sector or declared block, or not whole aligned program units.
    Misaligned,
    /// Programs bits that are not erased (or a written write-once unit).
    NotErased,
    /// The power is off (after a cut).
    PowerLost,
}

/// How the operation at the power cut is left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tear {
    /// Not started.
    None,
    /// The first half done (erase: the first half erased).
    Front,
    /// Erase: the second half erased; program: the first half done.
    Back,
}

/// Counters and modelled time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Erase operations.
    pub erases: u64,
    /// Bytes erased.
    pub erased_bytes: u64,
    /// Program operations (calls).
    pub programs: u64,
    /// Bytes programmed.
    pub programmed_bytes: u64,
    /// Modelled time at typical figures, nanoseconds.
    pub typ_ns: u64,
    /// Modelled time at maximum figures, nanoseconds.
    pub max_ns: u64,
    /// Refused operations other than after a power cut.
    pub violations: u64,
}

/// A simulated NOR flash device.
pub struct NorSim<M: Memory> {
    mem: M,
    profile: &'static Profile,
    raw: mp_romfs_geometry_t,
    fence: (u32, u32),
    /// Counters and modelled time.
    pub stats: Stats,
    cut: Option<(u64, Tear)>,
    dead: bool,
    /// Every operation performed (torn ones included).
    #[cfg(feature = "std")]
    pub log: std::vec::Vec<Op>,
}

impl<M: Memory> NorSim<M> {
    /// A device of `profile` whose first sector is at device address `base`,
    /// holding `mem` (the whole device), where only `fence` (a device
    /// address range) may change.
    pub fn new(profile: &'static Profile, base: u32, mem: M, fence: (u32, u32)) -> Self {
        NorSim {
            mem,
            profile,
            raw: profile.raw_geometry(base),
            fence,
            stats: Stats::default(),
            cut: None,
            dead: false,
            #[cfg(feature = "std")]
            log: std::vec::Vec::new(),
        }
    }

    /// The device layout, as a port describes it in C.
    pub fn raw_geometry(&self) -> mp_romfs_geometry_t {
        self.raw
    }

    fn geom(&self) -> Geometry<'_> {
        Geometry::new(&self.raw, self.profile.runs)
    }

    /// The chip profile.
    pub fn profile(&self) -> &'static Profile {
        self.profile
    }

    /// The device's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.mem.bytes()
    }

    /// The device's bytes, to set up a test (bypasses all rules).
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        self.mem.bytes_mut()
    }

    /// Gives the memory back.
    pub fn into_memory(self) -> M {
        self.mem
    }

    /// Cuts the power at the operation after `ops` more operations, leaving
    /// that one `tear`-done; every later operation fails.
    pub fn cut_after(&mut self, ops: u64, tear: Tear) {
        self.cut = Some((ops, tear));
    }

    /// Power is back (after a reboot): operations work again.
    pub fn power_on(&mut self) {
        self.cut = None;
        self.dead = false;
    }

    /// Whether a cut has happened.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    fn range(&self, addr: u32, len: u32) -> core::result::Result<core::ops::Range<usize>, Fault> {
        let start = addr.checked_sub(self.raw.base).ok_or(Fault::Misaligned)? as usize;
        let end = start.checked_add(len as usize).ok_or(Fault::Misaligned)?;
        if end > self.mem.bytes().len() {
            return Err(Fault::Misaligned);
        }
        Ok(start..end)
    }

    fn check_fence(&self, addr: u32, len: u32) -> core::result::Result<(), Fault> {
        let end = addr.checked_add(len).ok_or(Fault::Fence)?;
        if addr < self.fence.0 || end > self.fence.1 {
            return Err(Fault::Fence);
        }
        Ok(())
    }

    /// `Some(tear)` if this operation is the one the power cut hits.
    fn power(&mut self) -> core::result::Result<Option<Tear>, Fault> {
        if self.dead {
            return Err(Fault::PowerLost);
        }
        match &mut self.cut {
            Some((0, tear)) => {
                self.dead = true;
                Ok(Some(*tear))
            }
            Some((n, _)) => {
                *n -= 1;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    fn refuse(&mut self, fault: Fault) -> core::result::Result<(), Fault> {
        self.stats.violations += 1;
        Err(fault)
    }

    /// Erases `size` bytes at `addr`: one sector, or one declared block.
    ///
    /// # Errors
    /// A [`Fault`]; nothing changes (except the torn half at a power cut).
    pub fn erase(&mut self, addr: u32, size: u32) -> core::result::Result<(), Fault> {
        let is_sector = size != 0 && self.geom().sector_at(addr) == Sector { start: addr, size };
        let is_block = size.is_power_of_two() && self.raw.block_erase_log2_mask & size != 0 && addr & (size - 1) == 0;
        let no_erase = u32::from(self.raw.flags) & MP_ROMFS_NO_ERASE != 0;
        let range = match self.range(addr, size) {
            Ok(r) if (is_sector || is_block) && !no_erase => r,
            _ => return self.refuse(Fault::Misaligned),
        };
        if let Err(f) = self.check_fence(addr, size) {
            return self.refuse(f);
        }
        let tear = self.power()?;
        if tear == Some(Tear::None) {
            return Err(Fault::PowerLost);
        }
        let (typ, max) = self.profile.erase_ns(size).unwrap_or((0, 0));
        self.stats.typ_ns += typ;
        self.stats.max_ns += max;
        self.stats.erases += 1;
        self.stats.erased_bytes += u64::from(size);
        #[cfg(feature = "std")]
        self.log.push(Op::Erase { addr, size });
        let erased = self.raw.erased;
        let bytes = self.mem.bytes_mut().get_mut(range).unwrap_or_default();
        let half = bytes.len() / 2;
        let part = match tear {
            None | Some(Tear::None) => bytes,
            Some(Tear::Front) => bytes.get_mut(..half).unwrap_or_default(),
            Some(Tear::Back) => bytes.get_mut(half..).unwrap_or_default(),
        };
        part.fill(erased);
        if tear.is_some() {
            Err(Fault::PowerLost)
        } else {
            Ok(())
        }
    }

    /// Programs `src` at `addr`: whole program units, aligned, each one
    /// allowed by the chip's rules.
    ///
    /// # Errors
    /// A [`Fault`]; nothing changes (except the torn half at a power cut).
    pub fn program(&mut self, addr: u32, src: &[u8]) -> core::result::Result<(), Fault> {
        let unit = 1u32 << (self.raw.program_log2 & 31);
        let len = src.len() as u32;
        let range = match self.range(addr, len) {
            Ok(r) if addr & (unit - 1) == 0 && len & (unit - 1) == 0 => r,
            _ => return self.refuse(Fault::Misaligned),
        };
        if let Err(f) = self.check_fence(addr, len) {
            return self.refuse(f);
        }
        let flags = u32::from(self.raw.flags);
        let e = self.raw.erased;
        let cur = self.mem.bytes().get(range.clone()).unwrap_or_default();
        let allowed = cur.chunks(unit as usize).zip(src.chunks(unit as usize)).all(|(c, n)| {
            if flags & MP_ROMFS_NO_ERASE != 0 {
                true
            } else if flags & MP_ROMFS_WRITE_ONCE != 0 {
                c.iter().all(|&b| b == e)
            } else {
                c.iter().zip(n).all(|(&c, &n)| (c ^ e) & (c ^ n) == 0)
            }
        });
        if !allowed {
            return self.refuse(Fault::NotErased);
        }
        let tear = self.power()?;
        if tear == Some(Tear::None) {
            return Err(Fault::PowerLost);
        }
        let (typ, max) = self.profile.program_ns(addr, len);
        self.stats.typ_ns += typ;
        self.stats.max_ns += max;
        self.stats.programs += 1;
        self.stats.programmed_bytes += u64::from(len);
        #[cfg(feature = "std")]
        self.log.push(Op::Program { addr, len });
        let done = match tear {
            None | Some(Tear::None) => src.len(),
            Some(_) => (src.len() / 2) & !(unit as usize - 1),
        };
        let dst = self.mem.bytes_mut().get_mut(range).unwrap_or_default();
        if let (Some(d), Some(s)) = (dst.get_mut(..done), src.get(..done)) {
            d.copy_from_slice(s);
        }
        if tear.is_some() {
            Err(Fault::PowerLost)
        } else {
            Ok(())
        }
    }
}

/// One segment of a simulated device, as the core's [`Flash`].
///
/// It can also be interrupted as a real port's event hook is: with
/// `interrupt_at` set to N, the N-th poll "raises" (returns
/// [`Error::Interrupted`]), and from then on every operation returns that
/// without acting, as the C shim's hook wrapper does until the exception is
/// raised in Python.
pub struct SimSegment<'s, M: Memory> {
    /// The device.
    pub sim: &'s mut NorSim<M>,
    /// Device address of the segment.
    pub addr: u32,
    /// Length of the segment.
    pub len: u32,
    /// Calls of [`Flash::poll`].
    pub polls: u64,
    /// Calls of [`Flash::sync`].
    pub syncs: u64,
    /// The poll (counted from 1 in `polls`) that raises.
    pub interrupt_at: Option<u64>,
    /// Whether a poll has raised.
    pub interrupted: bool,
}

impl<'s, M: Memory> SimSegment<'s, M> {
    /// The segment `addr..addr + len` of `sim`.
    pub fn new(sim: &'s mut NorSim<M>, addr: u32, len: u32) -> Self {
        SimSegment { sim, addr, len, polls: 0, syncs: 0, interrupt_at: None, interrupted: false }
    }

    fn live(&self) -> Result<()> {
        if self.interrupted {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }
}

impl<M: Memory> Flash for SimSegment<'_, M> {
    fn mem(&self) -> &[u8] {
        let start = (self.addr - self.sim.raw.base) as usize;
        self.sim.bytes().get(start..start + self.len as usize).unwrap_or_default()
    }

    fn erase(&mut self, off: u32, size: u32) -> Result<()> {
        self.live()?;
        self.sim.erase(self.addr + off, size).map_err(|_| Error::Io)
    }

    fn program(&mut self, off: u32, src: &[u8]) -> Result<()> {
        self.live()?;
        self.sim.program(self.addr + off, src).map_err(|_| Error::Io)
    }

    fn poll(&mut self) -> Result<()> {
        self.live()?;
        self.polls += 1;
        self.interrupted = self.interrupt_at == Some(self.polls);
        self.live()
    }

    fn sync(&mut self) -> Result<()> {
        self.live()?;
        self.syncs += 1;
        Ok(())
    }
}
