//! A test rig: one segment of a simulated device, driven through the same
//! dispatch the firmware uses.
#![allow(dead_code)]

use mp_romfs::bindings::mp_romfs_geometry_t;
use mp_romfs::block;
use mp_romfs::engine::{Engine, State};
use mp_romfs::error::Result;
use mp_romfs::geometry::{Geometry, Segment};
use mp_romfs::ioctl::{route, run};
use mp_romfs_sim::nor::{NorSim, Op, Profile, SimSegment};

pub const EINVAL: isize = -22;
pub const EIO: isize = -5;

/// One segment `addr..addr + len` of a device of `profile` whose first
/// sector is at device address `base`.
pub struct Rig {
    pub sim: NorSim<Vec<u8>>,
    pub raw: mp_romfs_geometry_t,
    pub state: State,
    pub addr: u32,
    pub len: u32,
    pub polls: u64,
    pub syncs: u64,
}

impl Rig {
    /// The device erased; only the segment may be changed.
    pub fn new(profile: &'static Profile, base: u32, addr: u32, len: u32) -> Rig {
        let size = profile.device_size() as usize;
        let mem = vec![profile.erased; size];
        let sim = NorSim::new(profile, base, mem, (addr, addr + len));
        Rig { raw: sim.raw_geometry(), sim, state: State::new(), addr, len, polls: 0, syncs: 0 }
    }

    /// The whole device as the segment.
    pub fn whole(profile: &'static Profile) -> Rig {
        Rig::new(profile, 0, 0, profile.device_size())
    }

    pub fn segment(&self) -> Segment<'_> {
        Segment::new(self.addr, self.len, Geometry::new(&self.raw, self.sim.profile().runs)).expect("valid segment")
    }

    /// `vfs.rom_ioctl(*args)`; op 4 takes `buf` as its last argument.
    pub fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> isize {
        let seg = Segment::new(self.addr, self.len, Geometry::new(&self.raw, self.sim.profile().runs)).expect("valid segment");
        match route(args, 1) {
            (false, answer) => answer,
            (true, _) => {
                let mut flash = SimSegment::new(&mut self.sim, self.addr, self.len);
                let r = run(&mut Engine::new(seg, &mut self.state, &mut flash), args, buf);
                self.polls += flash.polls;
                self.syncs += flash.syncs;
                r
            }
        }
    }

    /// Runs `f` on the segment's engine (as one call of the block view).
    pub fn engine<R>(&mut self, f: impl FnOnce(&mut Engine<'_, &mut SimSegment<'_, Vec<u8>>>) -> R) -> R {
        let seg = Segment::new(self.addr, self.len, Geometry::new(&self.raw, self.sim.profile().runs)).expect("valid segment");
        let mut flash = SimSegment::new(&mut self.sim, self.addr, self.len);
        let r = f(&mut Engine::new(seg, &mut self.state, &mut flash));
        self.polls += flash.polls;
        self.syncs += flash.syncs;
        r
    }

    /// Block view: `ioctl(op, arg)`.
    pub fn blk_ioctl(&mut self, op: isize, arg: isize) -> isize {
        self.engine(|e| block::ioctl(e, op, arg))
    }

    /// Block view: `writeblocks(block, buf)` or `writeblocks(block, buf, offset)`.
    pub fn writeblocks(&mut self, block: isize, buf: &[u8], offset: Option<isize>) -> isize {
        errno(self.engine(|e| block::write(e, block, offset, buf)))
    }

    /// Block view: `readblocks(block, buf, offset)`.
    pub fn readblocks(&mut self, block: isize, buf: &mut [u8], offset: isize) -> isize {
        errno(self.engine(|e| block::read(e, block, offset, buf)))
    }

    /// Deploys `image` as mpremote does to a block device (both versions):
    /// `ioctl(6, n)` for each block the image covers, then
    /// `writeblocks(n, chunk, offset)` with chunks of min(4 KiB, block
    /// size), zero-padded; no sync.  Results unchecked, as mpremote does.
    pub fn deploy_block(&mut self, image: &[u8]) {
        let bs = self.blk_ioctl(5, 0) as usize;
        for off in (0..image.len()).step_by(bs) {
            self.blk_ioctl(6, (off / bs) as isize);
        }
        let chunk = bs.min(4096);
        for off in (0..image.len()).step_by(chunk) {
            let mut buf = image[off..image.len().min(off + chunk)].to_vec();
            buf.resize(chunk, 0);
            self.writeblocks((off / bs) as isize, &buf, Some((off % bs) as isize));
        }
    }

    pub fn prepare(&mut self, len: u32) -> isize {
        self.ioctl(&[3, 0, len as isize], &[])
    }

    pub fn prepare_at(&mut self, off: u32, len: u32) -> isize {
        self.ioctl(&[3, 0, off as isize, len as isize], &[])
    }

    pub fn write(&mut self, off: u32, data: &[u8]) -> isize {
        self.ioctl(&[4, 0, off as isize, 0], data)
    }

    pub fn complete(&mut self) -> isize {
        self.ioctl(&[5, 0], &[])
    }

    pub fn min_prepare(&mut self) -> isize {
        self.ioctl(&[6, 0], &[])
    }

    /// The segment's bytes.
    pub fn mem(&self) -> &[u8] {
        let start = (self.addr - self.raw.base) as usize;
        &self.sim.bytes()[start..start + self.len as usize]
    }

    /// Operations logged since the last call, then clears the log.
    pub fn take_log(&mut self) -> Vec<Op> {
        std::mem::take(&mut self.sim.log)
    }

    /// Deploys `image` as mpremote 1.29.0 does: 4-arg prepares of up to
    /// 32 KiB rounded up to op 6 (or one 3-arg prepare), 4 KiB (or min
    /// write) chunks zero-padded, then op 5.  Results are not checked, as
    /// mpremote does not check them.
    pub fn deploy_1_29(&mut self, image: &[u8]) {
        let block = self.min_prepare();
        let size = self.len as usize;
        let block = if block <= 0 { size } else { block as usize };
        let mut min_write = 0;
        if block < size {
            let mut off = 0;
            while off < image.len() {
                let remain = (image.len() - off).min(32768);
                let prepare = remain.div_ceil(block) * block;
                min_write = self.prepare_at(off as u32, prepare as u32);
                off += prepare;
            }
        } else {
            min_write = self.prepare(image.len() as u32);
        }
        self.write_chunks(image, 4096.max(min_write.max(0) as usize));
        self.complete();
    }

    /// Deploys `image` as mpremote 1.26.1 does: one 3-arg prepare of the
    /// image length, 4 KiB chunks, op 5.
    pub fn deploy_1_26(&mut self, image: &[u8]) {
        let min_write = self.prepare(image.len() as u32);
        self.write_chunks(image, 4096.max(min_write.max(0) as usize));
        self.complete();
    }

    fn write_chunks(&mut self, image: &[u8], chunk: usize) {
        for off in (0..image.len()).step_by(chunk) {
            let mut buf = image[off..image.len().min(off + chunk)].to_vec();
            buf.resize(chunk, 0);
            self.write(off as u32, &buf);
        }
    }
}

/// 0 or the negative errno, as the C ABI returns.
pub fn errno(r: Result<()>) -> isize {
    r.map_or_else(|e| e.errno() as isize, |()| 0)
}

/// A ROMFS-looking image of `len` bytes (header, then a pattern from `seed`).
pub fn image(len: usize, seed: u32) -> Vec<u8> {
    assert!(len >= 8);
    let payload = (len - 3 - 4) as u32;
    let mut v = vec![0xd2, 0xcd, 0x31];
    v.extend_from_slice(&[
        0x80 | (payload >> 21) as u8 & 0x7f,
        0x80 | (payload >> 14) as u8 & 0x7f,
        0x80 | (payload >> 7) as u8 & 0x7f,
        payload as u8 & 0x7f,
    ]);
    let mut x = seed.wrapping_mul(2654435761).wrapping_add(1);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    v
}

/// Whether `mem` holds exactly `image` at its start.
pub fn holds(mem: &[u8], image: &[u8]) -> bool {
    mem.len() >= image.len() && &mem[..image.len()] == image
}
