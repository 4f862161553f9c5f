//! Sector layouts as data, and the questions the core asks of them.
//!
//! A device is a list of runs of equal sectors (`[{count, size}]`), as in the
//! port's C tables.  One walk, [`Geometry::sector_at`], answers every question:
//! which sector holds an address, whether an address is a sector boundary,
//! which granularity op 6 can promise, and which erase operation covers a
//! sector best.  All sizes are powers of two, so the firmware build needs no
//! division.
//!
//! The types here are views of the port's C descriptors (no copies), so that
//! the firmware build reads each field where the port keeps it.
//!
//! Without the `sector-table` feature the core takes only the simplest
//! layouts, which is all that SAMD21 needs: one sector size, and segments
//! that start and end on sector boundaries.  Every question is then a mask,
//! and [`Segment::new`] refuses other layouts.
#![forbid(unsafe_code)]

use crate::bindings::{mp_romfs_geometry_t, MP_ROMFS_NO_ERASE, MP_ROMFS_WRITE_ONCE};
use crate::error::{Error, Result};

pub use crate::bindings::mp_romfs_sector_run as SectorRun;

/// One erase sector: `size` bytes at device address `start`; `size` 0
/// stands for "no sector" (outside the device).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sector {
    /// Device address of the first byte.
    pub start: u32,
    /// Size in bytes (a power of two), or 0.
    pub size: u32,
}

impl Sector {
    /// Device address one past the last byte.
    pub fn end(self) -> u32 {
        self.start.wrapping_add(self.size)
    }
}

/// The layout and write rules of one flash device: the port's
/// `mp_romfs_geometry_t` and its sector runs.
#[derive(Clone, Copy, Debug)]
pub struct Geometry<'a> {
    raw: &'a mp_romfs_geometry_t,
    runs: &'a [SectorRun],
}

/// The largest program unit the core supports (STM32H7 flash words).
pub const MAX_PROGRAM_LOG2: u8 = 5;

impl<'a> Geometry<'a> {
    /// The view of a port's geometry whose runs are `runs` (what
    /// `raw.runs` points to, `raw.n_runs` of them).
    pub fn new(raw: &'a mp_romfs_geometry_t, runs: &'a [SectorRun]) -> Self {
        Geometry { raw, runs }
    }

    /// Device address of the first sector.
    pub fn base(&self) -> u32 {
        self.raw.base
    }

    /// Program unit in bytes (1..=32; [`Segment::new`] refuses larger).
    pub fn program_unit(&self) -> u32 {
        1 << self.raw.program_log2.min(MAX_PROGRAM_LOG2)
    }

    /// Value of an erased byte.
    pub fn erased(&self) -> u8 {
        self.raw.erased
    }

    /// Bit k set: an aligned 2^k-byte block erase exists.
    pub fn block_erase_mask(&self) -> u32 {
        self.raw.block_erase_log2_mask
    }

    /// A program unit can be programmed only once per erase (ECC flash).
    pub fn write_once(&self) -> bool {
        cfg!(feature = "write-once") && u32::from(self.raw.flags) & MP_ROMFS_WRITE_ONCE != 0
    }

    /// The memory is overwritten without erase (MRAM).
    pub fn no_erase(&self) -> bool {
        cfg!(feature = "no-erase") && u32::from(self.raw.flags) & MP_ROMFS_NO_ERASE != 0
    }

    /// Rules this build cannot honour (their features are off).
    fn unsupported(&self) -> bool {
        let flags = u32::from(self.raw.flags);
        (!cfg!(feature = "write-once") && flags & MP_ROMFS_WRITE_ONCE != 0)
            || (!cfg!(feature = "no-erase") && flags & MP_ROMFS_NO_ERASE != 0)
    }

    /// The sector holding device address `addr` (size 0 outside the device).
    pub fn sector_at(&self, addr: u32) -> Sector {
        let mut start = self.raw.base;
        if addr >= start {
            for run in self.runs {
                let size = 1 << (run.size_log2 & 31);
                let span = run.count.wrapping_mul(size);
                let rel = addr - start;
                if rel < span {
                    return Sector { start: start + (rel & size.wrapping_neg()), size };
                }
                start = start.wrapping_add(span);
            }
        }
        Sector { start: 0, size: 0 }
    }
}

/// One ROM segment over a device: `len` bytes at device address `addr`.
///
/// Built only through [`Segment::new`], which checks the port's description,
/// so that the core's arithmetic on it cannot overflow.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    /// Device address of the first byte.
    pub addr: u32,
    /// Length in bytes.
    pub len: u32,
    /// The device the segment lives on.
    pub geom: Geometry<'a>,
    /// Program unit in bytes (1..=32).
    pub unit: u32,
    /// Value of an erased byte.
    pub erased: u8,
    /// Without `sector-table`: the one sector size.
    sector: u32,
}

/// The smallest segment: the ROMFS magic and a 5-byte length.
pub const HEADER_HOLD_MIN: u32 = 8;

impl<'a> Segment<'a> {
    /// Checks the description: the program unit is at most 32 bytes, the
    /// segment lies inside the device, starts on a program unit and is a
    /// whole number of them (and at least one held header), and this build
    /// supports its rules and (without `sector-table`) its layout.  The
    /// sector table itself is the port's constant data and is trusted to
    /// describe its device.
    ///
    /// # Errors
    /// [`Error::BadGeometry`] if any of this does not hold.
    pub fn new(addr: u32, len: u32, geom: Geometry<'a>) -> Result<Self> {
        // At least a header (the magic and a length), and whole units.
        let (fits, sector) = match geom.runs {
            // One run: its sectors from `base` must hold the segment, and
            // without `sector-table` the segment must sit on them.
            [run] if !cfg!(feature = "sector-table") => {
                let (rel, size) = (addr.wrapping_sub(geom.base()), 1 << (run.size_log2 & 31));
                let span = run.count.wrapping_mul(size);
                (addr >= geom.base() && len <= span && rel <= span - len && (rel | len) & (size - 1) == 0, size)
            }
            _ => (
                cfg!(feature = "sector-table")
                    && addr.checked_add(len).is_some()
                    && geom.sector_at(addr).size != 0
                    && geom.sector_at(addr.wrapping_add(len).wrapping_sub(1)).size != 0,
                0,
            ),
        };
        if !fits
            || geom.unsupported()
            || geom.raw.program_log2 > MAX_PROGRAM_LOG2
            || (addr | len) & (geom.program_unit() - 1) != 0
            || len < HEADER_HOLD_MIN
        {
            return Err(Error::BadGeometry);
        }
        Ok(Segment { addr, len, geom, unit: geom.program_unit(), erased: geom.erased(), sector })
    }

    /// Bytes of the header that are held back until commit: the program
    /// units holding the 3-byte magic.
    pub fn hold_len(&self) -> u32 {
        (3 + self.unit - 1) & !(self.unit - 1)
    }

    /// Whether a program unit can be programmed only once per erase.
    /// Always false without the `write-once` feature: the flag is runtime
    /// data, this makes the compiler drop the rule's code from such builds.
    pub fn writes_once(&self) -> bool {
        self.geom.write_once()
    }

    /// Whether any value overwrites any value (no erase); always false
    /// without the `no-erase` feature.
    pub fn erase_free(&self) -> bool {
        self.geom.no_erase()
    }

    /// The sector holding segment offset `off` (`off` < `len`); with
    /// `sector-table` it may start before the segment or end after it when
    /// the segment does not sit on sector boundaries.
    pub fn unit_at(&self, off: u32) -> Sector {
        if !cfg!(feature = "sector-table") {
            return Sector { start: self.addr + (off & !(self.sector - 1)), size: self.sector };
        }
        self.geom.sector_at(self.addr.wrapping_add(off))
    }

    /// Whether the sector lies wholly inside the segment (only such sectors
    /// may ever be erased).
    pub fn contains(&self, s: Sector) -> bool {
        !cfg!(feature = "sector-table") || (s.size != 0 && s.start >= self.addr && s.end() <= self.addr + self.len)
    }

    /// Segment offset of device address `a`, clipped to `0..=len`.
    pub fn clip(&self, a: u32) -> u32 {
        if !cfg!(feature = "sector-table") {
            return a - self.addr;
        }
        a.saturating_sub(self.addr).min(self.len)
    }

    /// The granularity G reported by op 6: the largest sector overlapping
    /// the segment, provided every G-aligned offset of the segment (its end
    /// included) is a sector boundary, so that a G-aligned prepare covers
    /// whole sectors exactly.  0 if not: then only the 3-arg prepare is
    /// offered.  (Without `sector-table`: the sector size.)
    pub fn min_prepare(&self) -> u32 {
        if !cfg!(feature = "sector-table") {
            return self.sector;
        }
        let mut g = self.geom.program_unit();
        let mut start = self.geom.base();
        for run in self.geom.runs {
            let size = 1 << (run.size_log2 & 31);
            let next = start.wrapping_add(run.count.wrapping_mul(size));
            if start < self.addr + self.len && next > self.addr {
                g = g.max(size);
            }
            start = next;
        }
        if self.len & (g - 1) != 0 {
            return 0;
        }
        let mut off = 0;
        loop {
            // A boundary starts a sector, or is past the device's end.
            let s = self.geom.sector_at(self.addr + off);
            if s.size != 0 && s.start != self.addr + off {
                return 0;
            }
            if off == self.len {
                return g;
            }
            off += g;
        }
    }

    /// The erase operation for the sector at segment offset `off` (wholly
    /// inside the segment, first of the pending range, which ends at segment
    /// offset `limit`): the largest block erase of the geometry that starts
    /// there and stays in the pending range, else the sector erase.  Returns
    /// its size.
    pub fn erase_size(&self, off: u32, limit: u32) -> u32 {
        let s = self.unit_at(off);
        let mut size = s.size;
        if cfg!(feature = "block-erase") {
            let room = limit - off;
            let mut block = s.size;
            // Larger blocks are no better aligned and no smaller: stop at
            // the first that is misaligned or too large.
            while block < 1 << 31 {
                block <<= 1;
                if s.start & (block - 1) != 0 || block > room {
                    break;
                }
                if self.geom.block_erase_mask() & block != 0 {
                    size = block;
                }
            }
        }
        size
    }
}
