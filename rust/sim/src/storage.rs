//! The simulator as a standard NOR flash mock: `embedded-storage`'s
//! [`ReadNorFlash`] and [`NorFlash`] over a [`NorSim`], for code written
//! against those traits (host only; no firmware links this crate).
//!
//! The traits fix the write and erase sizes as constants, where a profile
//! holds them as data, so they are the type's parameters, and [`Nor::new`]
//! accepts only a device they describe: one sector size equal to `ERASE`
//! and a program unit dividing `WRITE`.  Offsets count from the device's
//! first byte.  Every operation goes through the simulator (its rules, its
//! fence, its counters and its power cuts).

use embedded_storage::nor_flash::{ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash};

use crate::nor::{Fault, Memory, NorSim};

/// A [`NorSim`] with uniform sectors of `ERASE` bytes, written in multiples
/// of `WRITE` bytes.
pub struct Nor<'s, M: Memory, const WRITE: usize, const ERASE: usize> {
    sim: &'s mut NorSim<M>,
}

/// Why an operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// Not aligned to `WRITE` or `ERASE`.
    NotAligned,
    /// Past the device's end.
    OutOfBounds,
    /// The simulator refused it or the power is off.
    Sim(Fault),
}

impl NorFlashError for StorageError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            StorageError::NotAligned => NorFlashErrorKind::NotAligned,
            StorageError::OutOfBounds => NorFlashErrorKind::OutOfBounds,
            StorageError::Sim(_) => NorFlashErrorKind::Other,
        }
    }
}

impl<'s, M: Memory, const WRITE: usize, const ERASE: usize> Nor<'s, M, WRITE, ERASE> {
    /// The mock over `sim`, if its device has only sectors of `ERASE`
    /// bytes and a program unit that divides `WRITE`.
    pub fn new(sim: &'s mut NorSim<M>) -> Option<Self> {
        let p = sim.profile();
        let unit = 1usize << p.program_log2;
        let uniform = p.runs.iter().all(|r| 1usize << r.size_log2 == ERASE);
        (uniform && WRITE >= unit && WRITE.is_multiple_of(unit)).then_some(Nor { sim })
    }

    /// The simulator (its counters and bytes).
    pub fn sim(&mut self) -> &mut NorSim<M> {
        self.sim
    }

    fn check(&self, offset: u32, len: usize, align: usize) -> Result<(u32, u32), StorageError> {
        let len = u32::try_from(len).map_err(|_| StorageError::OutOfBounds)?;
        let end = offset.checked_add(len).ok_or(StorageError::OutOfBounds)?;
        if end as usize > self.capacity() {
            return Err(StorageError::OutOfBounds);
        }
        if !(offset as usize).is_multiple_of(align) || !(len as usize).is_multiple_of(align) {
            return Err(StorageError::NotAligned);
        }
        Ok((self.sim.raw_geometry().base + offset, len))
    }
}

impl<M: Memory, const WRITE: usize, const ERASE: usize> ErrorType for Nor<'_, M, WRITE, ERASE> {
    type Error = StorageError;
}

impl<M: Memory, const WRITE: usize, const ERASE: usize> ReadNorFlash for Nor<'_, M, WRITE, ERASE> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), StorageError> {
        self.check(offset, bytes.len(), 1)?;
        let start = offset as usize;
        bytes.copy_from_slice(&self.sim.bytes()[start..start + bytes.len()]);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.sim.profile().device_size() as usize
    }
}

impl<M: Memory, const WRITE: usize, const ERASE: usize> NorFlash for Nor<'_, M, WRITE, ERASE> {
    const WRITE_SIZE: usize = WRITE;
    const ERASE_SIZE: usize = ERASE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), StorageError> {
        let (addr, len) = self.check(from, to.checked_sub(from).ok_or(StorageError::OutOfBounds)? as usize, ERASE)?;
        for at in (addr..addr + len).step_by(ERASE) {
            self.sim.erase(at, ERASE as u32).map_err(StorageError::Sim)?;
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), StorageError> {
        let (addr, _) = self.check(offset, bytes.len(), WRITE)?;
        self.sim.program(addr, bytes).map_err(StorageError::Sim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nor::profiles::{STM32F767, W25Q128};

    #[test]
    fn a_standard_nor_mock() {
        let size = W25Q128.device_size();
        let mut sim = NorSim::new(&W25Q128, 0, vec![0xFF; size as usize], (0, size));
        let mut nor = Nor::<_, 1, 4096>::new(&mut sim).expect("uniform 4K sectors");
        nor.write(4096, b"romfs").unwrap();
        let mut got = [0; 5];
        nor.read(4096, &mut got).unwrap();
        assert_eq!(&got, b"romfs");
        // NOR programs only 1 -> 0: writing over written bytes is refused.
        assert_eq!(nor.write(4096, b"other"), Err(StorageError::Sim(Fault::NotErased)));
        nor.erase(4096, 8192).unwrap();
        nor.write(4096, b"other").unwrap();
        assert_eq!(nor.erase(100, 4096).unwrap_err().kind(), NorFlashErrorKind::NotAligned);
        assert_eq!(nor.erase(size - 4096, size + 4096).unwrap_err().kind(), NorFlashErrorKind::OutOfBounds);
        assert_eq!(nor.sim().stats.erases, 1);
        // A device with sectors of several sizes has no such constant.
        let size = STM32F767.device_size();
        let mut sim = NorSim::new(&STM32F767, 0, vec![0xFF; size as usize], (0, size));
        assert!(Nor::<_, 4, 32768>::new(&mut sim).is_none());
    }
}
