//! Sector layouts as data, and the questions the core asks of them.
//!
//! A device is a list of runs of equal sectors (`[{count, size}]`), as in the
//! port's C tables.  One walk, [`Geometry::sector_at`], answers every question:
//! which sector holds an address, whether an address is a sector boundary,
//! which granularity op 6 can promise, and which erase operation covers a
//! sector best.  All sizes are powers of two, so the firmware build needs no
//! division.
#![forbid(unsafe_code)]

use crate::bindings::{MP_ROMFS_NO_ERASE, MP_ROMFS_WRITE_ONCE};
use crate::error::{Error, Result};

pub use crate::bindings::mp_romfs_sector_run as SectorRun;

/// One erase sector: `size` bytes at device address `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sector {
    /// Device address of the first byte.
    pub start: u32,
    /// Size in bytes (a power of two).
    pub size: u32,
}

impl Sector {
    /// Device address one past the last byte.  Never overflows for a sector
    /// of a validated [`Segment`]'s geometry.
    pub fn end(self) -> u32 {
        self.start.wrapping_add(self.size)
    }
}

/// The layout and write rules of one flash device.
#[derive(Clone, Copy, Debug)]
pub struct Geometry<'a> {
    /// Device address of the first sector of `runs[0]`.
    pub base: u32,
    /// Runs of equal sectors, in address order.
    pub runs: &'a [SectorRun],
    /// Bit k set: an aligned 2^k-byte block can be erased in one operation.
    pub block_erase_log2_mask: u32,
    /// The program unit is `1 << program_log2` bytes (at most 32).
    pub program_log2: u8,
    /// Value of an erased byte.
    pub erased: u8,
    /// `MP_ROMFS_WRITE_ONCE` and/or `MP_ROMFS_NO_ERASE`.
    pub flags: u8,
}

/// The largest program unit the core supports (STM32H7 flash words).
pub const MAX_PROGRAM_LOG2: u8 = 5;

impl Geometry<'_> {
    /// Program unit in bytes.
    pub fn program_unit(&self) -> u32 {
        1 << (self.program_log2 & 31)
    }

    /// A program unit can be programmed only once per erase (ECC flash).
    pub fn write_once(&self) -> bool {
        cfg!(feature = "write-once") && u32::from(self.flags) & MP_ROMFS_WRITE_ONCE != 0
    }

    /// The memory is overwritten without erase (MRAM).
    pub fn no_erase(&self) -> bool {
        cfg!(feature = "no-erase") && u32::from(self.flags) & MP_ROMFS_NO_ERASE != 0
    }

    /// Rules this build cannot honour (their features are off).
    fn unsupported(&self) -> bool {
        let flags = u32::from(self.flags);
        (!cfg!(feature = "write-once") && flags & MP_ROMFS_WRITE_ONCE != 0)
            || (!cfg!(feature = "no-erase") && flags & MP_ROMFS_NO_ERASE != 0)
    }

    /// The sector holding device address `addr`, or `None` outside the device.
    pub fn sector_at(&self, addr: u32) -> Option<Sector> {
        let mut start = self.base;
        if addr < start {
            return None;
        }
        for run in self.runs {
            let size = 1u32 << (run.size_log2 & 31);
            let span = run.count << (run.size_log2 & 31);
            let rel = addr - start;
            if rel < span {
                return Some(Sector { start: start + (rel & !(size - 1)), size });
            }
            start = start.wrapping_add(span);
        }
        None
    }
}

/// One ROM segment over a device: `len` bytes at device address `addr`.
///
/// Built only through [`Segment::new`], which checks the port's description
/// once, so that the arithmetic of the core cannot overflow.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    /// Device address of the first byte.
    pub addr: u32,
    /// Length in bytes.
    pub len: u32,
    /// The device the segment lives on.
    pub geom: Geometry<'a>,
}

/// Bytes at the start of a segment that hold the ROMFS header; the core
/// keeps them back until the image is complete (see `engine`).
pub const HEADER_HOLD_MIN: u32 = 8;

impl<'a> Segment<'a> {
    /// Checks the description: the program unit is at most 32 bytes, the
    /// segment lies inside the device and is a whole number of program units
    /// (and at least one held header).  The sector table itself is the
    /// port's constant data and is trusted to describe its device.
    ///
    /// # Errors
    /// [`Error::BadGeometry`] if any of this does not hold.
    pub fn new(addr: u32, len: u32, geom: Geometry<'a>) -> Result<Self> {
        let seg = Segment { addr, len, geom };
        let inside = addr.checked_add(len).is_some()
            && geom.sector_at(addr).is_some()
            && geom.sector_at(addr + len - 1).is_some();
        if !inside || geom.unsupported() || geom.program_log2 > MAX_PROGRAM_LOG2 || len & (geom.program_unit() - 1) != 0 || len < seg.hold_len() {
            return Err(Error::BadGeometry);
        }
        Ok(seg)
    }

    /// Bytes of the header that are held back until commit: at least the
    /// magic and a 5-byte length, and whole program units.
    pub fn hold_len(&self) -> u32 {
        self.geom.program_unit().max(HEADER_HOLD_MIN)
    }

    /// The sector holding segment offset `off` (it may start before the
    /// segment or end after it when the segment does not sit on sector
    /// boundaries); size 0 if `off` is outside the device.
    pub fn unit_at(&self, off: u32) -> Sector {
        self.geom.sector_at(self.addr.wrapping_add(off)).unwrap_or(Sector { start: 0, size: 0 })
    }

    /// Whether the sector lies wholly inside the segment (only such sectors
    /// may ever be erased).
    pub fn contains(&self, s: Sector) -> bool {
        s.start >= self.addr && s.end() <= self.addr + self.len
    }

    /// Segment offset of device address `a`, clipped to `0..=len`.
    pub fn clip(&self, a: u32) -> u32 {
        a.saturating_sub(self.addr).min(self.len)
    }

    /// Device address `a` starts a sector (or is past the device's end).
    fn is_boundary(&self, a: u32) -> bool {
        self.geom.sector_at(a).is_none_or(|s| s.start == a)
    }

    /// The granularity G reported by op 6: the largest sector overlapping
    /// the segment, provided every G-aligned offset of the segment (its end
    /// included) is a sector boundary, so that a G-aligned prepare covers
    /// whole sectors exactly.  0 if not: then only the 3-arg prepare is
    /// offered.
    pub fn min_prepare(&self) -> u32 {
        let mut g = self.geom.program_unit();
        let mut start = self.geom.base;
        for run in self.geom.runs {
            let span = run.count << (run.size_log2 & 31);
            if start < self.addr + self.len && start.wrapping_add(span) > self.addr {
                g = g.max(1 << (run.size_log2 & 31));
            }
            start = start.wrapping_add(span);
        }
        if self.len & (g - 1) != 0 {
            return 0;
        }
        let mut off = 0;
        loop {
            if !self.is_boundary(self.addr + off) {
                return 0;
            }
            if off == self.len {
                return g;
            }
            off += g;
        }
    }

    /// The erase operation for sector `s` (wholly inside the segment, first
    /// of the pending range, which ends at segment offset `limit`): the
    /// largest block erase of the geometry that starts at `s` and stays in
    /// the pending range, else the sector erase.  Returns its size.
    pub fn erase_size(&self, s: Sector, limit: u32) -> u32 {
        if !cfg!(feature = "block-erase") {
            return s.size;
        }
        let room = (self.addr + limit).saturating_sub(s.start);
        let mut size = s.size;
        let mut block = s.size;
        while block < 1 << 31 {
            block <<= 1;
            if self.geom.block_erase_log2_mask & block != 0 && s.start & (block - 1) == 0 && block <= room {
                size = block;
            }
        }
        size
    }
}
