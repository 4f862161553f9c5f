//! The one test rig: a segment of a simulated device with the core's state,
//! called exactly as the firmware calls the core (`ioctl::route` and `run`,
//! the block view's functions), and what tests need around that: the
//! modelled duration of each call, an event hook that raises at the N-th
//! poll, reboots.

use std::vec::Vec;

use mp_romfs::bindings::mp_romfs_geometry_t;
#[cfg(feature = "blockdev")]
use mp_romfs::block;
use mp_romfs::engine::{Engine, State};
use mp_romfs::error::{Error, Result};
use mp_romfs::geometry::{Geometry, Segment};
use mp_romfs::ioctl::{route, run};

use crate::clients::Device;
use crate::nor::{NorSim, Op, Profile, SimSegment};

/// One segment `addr..addr + len` of a simulated device.
pub struct Rig {
    /// The simulated device (its memory runs from its base to the
    /// segment's end).
    pub sim: NorSim<Vec<u8>>,
    raw: mp_romfs_geometry_t,
    /// The core's state of the segment.
    pub state: State,
    /// Device address of the segment.
    pub addr: u32,
    /// Length of the segment.
    pub len: u32,
    /// Polls and syncs so far.
    pub polls: u64,
    /// See `polls`.
    pub syncs: u64,
    /// If set to N, the poll that makes `polls` N raises (as a port's event
    /// hook raises KeyboardInterrupt); cleared when it has.
    pub interrupt_at: Option<u64>,
    /// Polls made by the last call, and whether one of them raised.
    pub last_polls: u64,
    /// See `last_polls`.
    pub interrupted: bool,
    /// Modelled duration of the last call at maximum datasheet figures, ns.
    pub last_ns: u64,
}

impl Rig {
    /// The segment `addr..addr + len` of an erased device of `profile`
    /// whose first sector is at `base`; only the segment may change.
    pub fn new(profile: &'static Profile, base: u32, addr: u32, len: u32) -> Rig {
        let mem = std::vec![profile.erased; (addr + len - base) as usize];
        let sim = NorSim::new(profile, base, mem, (addr, addr + len));
        Rig {
            raw: sim.raw_geometry(),
            sim,
            state: State::new(),
            addr,
            len,
            polls: 0,
            syncs: 0,
            interrupt_at: None,
            last_polls: 0,
            interrupted: false,
            last_ns: 0,
        }
    }

    /// The whole device as the segment.
    pub fn whole(profile: &'static Profile) -> Rig {
        Rig::new(profile, 0, 0, profile.device_size())
    }

    /// The core's view of the segment.
    ///
    /// # Errors
    /// [`Error::BadGeometry`] if this build of the core refuses it.
    pub fn segment(&self) -> Result<Segment<'_>> {
        Segment::new(self.addr, self.len, Geometry::new(&self.raw, self.sim.profile().runs))
    }

    /// Whether this build of the core takes the segment (its features cover
    /// the chip's rules and layout).
    pub fn supported(&self) -> bool {
        self.segment().is_ok()
    }

    /// The rig, if this build takes its segment.  If it does not, checks
    /// what such a build must do instead (every op on the segment but 1
    /// and 2 is refused with -EIO, and nothing changes) and gives `None`:
    /// tests of a chip whose rules need a feature this build lacks test
    /// that refusal.
    ///
    /// # Panics
    /// If an unsupported segment is not refused.
    pub fn if_supported(mut self) -> Option<Rig> {
        if self.supported() {
            return Some(self);
        }
        let before = self.mem().to_vec();
        for args in [&[3, 0, 4096][..], &[3, 0, 0, 4096], &[4, 0, 0, 0], &[5, 0], &[6, 0]] {
            assert_eq!(
                self.ioctl(args, &[1, 2, 3, 4]),
                Error::BadGeometry.errno() as isize,
                "{args:?} on a refused segment"
            );
        }
        #[cfg(feature = "blockdev")]
        {
            assert_eq!(self.blk_ioctl(6, 0), Error::BadGeometry.errno() as isize);
            assert_eq!(self.writeblocks(0, &[0; 4], Some(0)), Error::BadGeometry.errno() as isize);
        }
        assert!(self.mem() == &before[..] && self.sim.log.is_empty(), "a refused segment changed");
        None
    }

    /// Runs `f` on the segment's engine as one call, and records its polls,
    /// interruption and modelled time.
    pub fn engine<R>(&mut self, f: impl FnOnce(&mut Engine<'_, &mut SimSegment<'_, Vec<u8>>>) -> R) -> Result<R> {
        let seg = Segment::new(self.addr, self.len, Geometry::new(&self.raw, self.sim.profile().runs))?;
        let before = self.sim.stats.max_ns;
        let mut flash = SimSegment::new(&mut self.sim, self.addr, self.len);
        flash.interrupt_at = self.interrupt_at.and_then(|n| n.checked_sub(self.polls));
        let r = f(&mut Engine::new(seg, &mut self.state, &mut flash));
        (self.last_polls, self.interrupted) = (flash.polls, flash.interrupted);
        if flash.interrupted {
            self.interrupt_at = None;
        }
        self.polls += flash.polls;
        self.syncs += flash.syncs;
        self.last_ns = self.sim.stats.max_ns - before;
        Ok(r)
    }

    /// `vfs.rom_ioctl(*args)`; op 4 takes `buf` as its buffer.
    pub fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> isize {
        self.last_ns = 0;
        match route(args, 1) {
            (false, answer) => answer,
            (true, _) => self.engine(|e| run(e, args, buf)).unwrap_or_else(|e| e.errno() as isize),
        }
    }

    /// `vfs.rom_ioctl(3, 0, len)`.
    pub fn prepare(&mut self, len: u32) -> isize {
        self.ioctl(&[3, 0, len as isize], &[])
    }

    /// `vfs.rom_ioctl(3, 0, off, len)`.
    pub fn prepare_at(&mut self, off: u32, len: u32) -> isize {
        self.ioctl(&[3, 0, off as isize, len as isize], &[])
    }

    /// `vfs.rom_ioctl(4, 0, off, data)`.
    pub fn write(&mut self, off: u32, data: &[u8]) -> isize {
        self.ioctl(&[4, 0, off as isize, 0], data)
    }

    /// `vfs.rom_ioctl(5, 0)`.
    pub fn complete(&mut self) -> isize {
        self.ioctl(&[5, 0], &[])
    }

    /// `vfs.rom_ioctl(6, 0)`.
    pub fn min_prepare(&mut self) -> isize {
        self.ioctl(&[6, 0], &[])
    }

    /// Block view: `ioctl(op, arg)`.
    #[cfg(feature = "blockdev")]
    pub fn blk_ioctl(&mut self, op: isize, arg: isize) -> isize {
        self.engine(|e| block::ioctl(e, op, arg)).unwrap_or_else(|e| e.errno() as isize)
    }

    /// Block view: `writeblocks(block, buf)` or `writeblocks(block, buf, offset)`.
    #[cfg(feature = "blockdev")]
    pub fn writeblocks(&mut self, block: isize, buf: &[u8], offset: Option<isize>) -> isize {
        errno(self.engine(|e| block::write(e, block, offset, buf)).and_then(|r| r))
    }

    /// Block view: `readblocks(block, buf, offset)`.
    #[cfg(feature = "blockdev")]
    pub fn readblocks(&mut self, block: isize, buf: &mut [u8], offset: isize) -> isize {
        errno(self.engine(|e| block::read(e, block, offset, buf)).and_then(|r| r))
    }

    /// The segment's bytes.
    pub fn mem(&self) -> &[u8] {
        let start = (self.addr - self.raw.base) as usize;
        &self.sim.bytes()[start..start + self.len as usize]
    }

    /// The segment's bytes, to set up a test (bypasses all rules).
    pub fn mem_mut(&mut self) -> &mut [u8] {
        let start = (self.addr - self.raw.base) as usize;
        &mut self.sim.bytes_mut()[start..start + self.len as usize]
    }

    /// Operations logged since the last call, then clears the log.
    pub fn take_log(&mut self) -> Vec<Op> {
        std::mem::take(&mut self.sim.log)
    }

    /// Deploys `image` with `client`.
    ///
    /// # Panics
    /// If the client reports a failure (only the host tool checks results).
    pub fn deploy(&mut self, client: crate::clients::Client, image: &[u8]) {
        if let Err(e) = client.deploy(self, image) {
            panic!("{client:?}: {e}");
        }
    }

    /// What a reset does: the core's RAM state is gone, the power is back,
    /// the flash keeps its bytes.
    pub fn reboot(&mut self) {
        self.state = State::new();
        self.sim.power_on();
    }
}

/// 0 or the negative errno, as the C ABI returns.
pub fn errno(r: Result<()>) -> isize {
    r.map_or_else(|e: Error| e.errno() as isize, |()| 0)
}

impl Device for Rig {
    fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> isize {
        Rig::ioctl(self, args, buf)
    }
    fn segment(&self) -> &[u8] {
        self.mem()
    }
    #[cfg(feature = "blockdev")]
    fn block_ioctl(&mut self, op: isize, arg: isize) -> isize {
        self.blk_ioctl(op, arg)
    }
    #[cfg(feature = "blockdev")]
    fn writeblocks(&mut self, block: isize, buf: &[u8], offset: Option<isize>) -> isize {
        Rig::writeblocks(self, block, buf, offset)
    }
    fn interrupted(&self) -> bool {
        self.interrupted
    }
}
