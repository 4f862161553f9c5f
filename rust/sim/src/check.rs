//! Every call checked: [`Checked`] runs each call on the core (through the
//! [`Rig`]) and on the reference [`Model`], and fails unless
//! - both return the same value (and a read the same bytes);
//! - the segment then holds the same bytes in both;
//! - the simulator saw no illegal flash operation (outside the segment,
//!   misaligned, or programming bits that are not erased);
//! - the call's modelled duration at maximum datasheet figures stays within
//!   the latency bound of `README.md`: at most one erase operation, of the
//!   chip's slowest, per sector that the call's own byte range touches (for
//!   a prepare without `deferred`: the sectors it prepares; for any prepare
//!   from offset 0: one more, the old header's), plus programming its own
//!   bytes, padded to units, in at most ⌈bytes / page⌉ + 2 operations, plus
//!   the header (4 operations).
//!
//! The property test and the fuzz target drive it with random calls and
//! with every client's deploy; a call interrupted at the N-th poll is
//! checked by the rules that still apply (nothing illegal, within the bound)
//! and the model then takes the core's state over.

use std::format;
use std::string::String;

use crate::clients::Device;
use crate::model::Model;
use crate::rig::Rig;

/// A rig whose every call is checked against the model.
pub struct Checked {
    /// The core on the simulator.
    pub rig: Rig,
    /// The reference model.
    pub model: Model,
    /// The longest call so far: (modelled ns, its bound, the call).
    pub longest: (u64, u64, String),
    /// The first broken rule of a call made through [`Device`] (whose
    /// methods cannot return it).
    pub broken: Option<String>,
}

/// What a call may cost in flash operations: sectors of its byte range,
/// bytes it programs, program operations beyond one per page.
#[derive(Clone, Copy, Debug, Default)]
struct Work {
    sectors: u64,
    bytes: u64,
    extra_programs: u64,
}

impl Checked {
    /// Checks every call on `rig` from now on (the model starts from the
    /// rig's flash, with the core's state idle).
    pub fn new(rig: Rig) -> Checked {
        let model = Model::new(rig.sim.profile(), rig.sim.raw_geometry().base, rig.addr, rig.len, rig.mem());
        Checked { rig, model, longest: (0, 0, String::new()), broken: None }
    }

    /// The sectors of segment offsets `a..b` (none if empty).
    fn sectors(&self, a: u32, b: u32) -> u64 {
        let seg = self.rig.segment().expect("a supported segment");
        let (mut n, mut at) = (0, a);
        while at < b {
            let s = seg.unit_at(at);
            n += 1;
            at = (s.start + s.size - self.rig.addr).max(at + 1);
        }
        n
    }

    /// The bound of a call with `work`, in ns at maximum figures.
    fn bound(&self, w: Work) -> u64 {
        let p = self.rig.sim.profile();
        let erase = p.erase.iter().map(|e| u64::from(e.max_us) * 1000).max().unwrap_or(0);
        let page = u64::from(p.program_chunk.max(1));
        let programs = w.bytes.div_ceil(page) + 2 + w.extra_programs;
        w.sectors * erase + programs * u64::from(p.program_ns.1)
    }

    /// Compares the rig with the model after a call that returned `got`
    /// (the model `want`), and checks the bound.
    fn settle(&mut self, what: &str, got: isize, want: isize, work: Work) -> Result<isize, String> {
        if self.rig.sim.stats.violations != 0 {
            return Err(format!("{what}: illegal flash operation {:?}", self.rig.sim.log.last()));
        }
        let bound = self.bound(work);
        if self.rig.last_ns > bound {
            return Err(format!(
                "{what}: took {} us, over the bound of {} us ({work:?})",
                self.rig.last_ns / 1000,
                bound / 1000
            ));
        }
        if self.rig.last_ns > self.longest.0 {
            self.longest = (self.rig.last_ns, bound, what.into());
        }
        if self.rig.interrupted {
            self.model.resync(self.rig.mem(), &self.rig.state);
            return Ok(got);
        }
        if got != want {
            return Err(format!("{what}: returned {got}, the model says {want}"));
        }
        let (mem, model) = (self.rig.mem(), &self.model.flash[..]);
        if let Some(i) = (mem != model).then(|| mem.iter().zip(model).position(|(a, b)| a != b)).flatten() {
            return Err(format!(
                "{what} (returned {got}): byte {i} is {:#04x}, the model says {:#04x}",
                mem[i], model[i]
            ));
        }
        Ok(got)
    }

    /// `vfs.rom_ioctl(*args)` (op 4's buffer in `buf`), checked.
    ///
    /// # Errors
    /// The rule the call broke.
    pub fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> Result<isize, String> {
        let arg = |i: usize| args.get(i).and_then(|&v| u32::try_from(v).ok()).unwrap_or(0);
        let len = self.rig.len;
        let unit = self.rig.segment().map_or(1, |s| s.geom.program_unit());
        let work = match (args.first(), args.len()) {
            (Some(3), n) if n == 3 || n == 4 => {
                let (at, l) = if n == 3 { (0, arg(2)) } else { (arg(2), arg(3)) };
                let eager = if cfg!(feature = "deferred") || l == 0 {
                    0
                } else {
                    self.sectors(at.min(len), at.saturating_add(l).min(len))
                };
                Work { sectors: eager + u64::from(at == 0), bytes: u64::from(unit), extra_programs: 0 }
            }
            (Some(4), 4) => {
                let off = arg(2).min(len);
                let end = (off as usize + buf.len()).next_multiple_of(unit as usize).min(len as usize) as u32;
                Work { sectors: self.sectors(off, end), bytes: u64::from(end - off), extra_programs: 0 }
            }
            (Some(5), 2) => Work { extra_programs: 4, ..Work::default() },
            _ => Work::default(),
        };
        let got = self.rig.ioctl(args, buf);
        let want = if self.rig.interrupted { got } else { self.model.ioctl(args, buf) };
        self.settle(&format!("rom_ioctl{args:?}"), got, want, work)
    }

    /// Block view: `ioctl(op, arg)`, checked.
    ///
    /// # Errors
    /// The rule the call broke.
    #[cfg(feature = "blockdev")]
    pub fn block_ioctl(&mut self, op: isize, arg: isize) -> Result<isize, String> {
        let bs = self.model_block_size();
        let work = match (op, u32::try_from(arg)) {
            (6, Ok(n)) if u64::from(n) * u64::from(bs) < u64::from(self.rig.len) => {
                let at = n * bs;
                Work {
                    sectors: self.sectors(at, at + bs) + u64::from(at == 0),
                    bytes: u64::from(bs),
                    extra_programs: u64::from(bs.div_ceil(32)),
                }
            }
            (3, _) => Work { extra_programs: 4, ..Work::default() },
            _ => Work::default(),
        };
        let got = self.rig.blk_ioctl(op, arg);
        let want = if self.rig.interrupted { got } else { self.model.block_ioctl(op, arg) };
        self.settle(&format!("ioctl({op}, {arg})"), got, want, work)
    }

    /// Block view: `writeblocks(block, data[, offset])`, checked.
    ///
    /// # Errors
    /// The rule the call broke.
    #[cfg(feature = "blockdev")]
    pub fn writeblocks(&mut self, block: isize, data: &[u8], offset: Option<isize>) -> Result<isize, String> {
        let bs = u64::from(self.model_block_size());
        let at = u64::try_from(block).unwrap_or(0) * bs + u64::try_from(offset.unwrap_or(0)).unwrap_or(0);
        let (a, b) =
            (at.min(u64::from(self.rig.len)) as u32, (at + data.len() as u64).min(u64::from(self.rig.len)) as u32);
        let simple = offset.is_none();
        let work = Work {
            sectors: if simple { self.sectors(a, b) + u64::from(a == 0) } else { 0 },
            bytes: u64::from(b - a) + 64,
            extra_programs: 10,
        };
        let got = self.rig.writeblocks(block, data, offset);
        let want = if self.rig.interrupted { got } else { self.model.writeblocks(block, data, offset) };
        self.settle(&format!("writeblocks({block}, {} bytes, {offset:?})", data.len()), got, want, work)
    }

    /// Block view: `readblocks(block, bytearray(len), offset)`, checked:
    /// the same result and bytes as the model.
    ///
    /// # Errors
    /// The rule the call broke.
    #[cfg(feature = "blockdev")]
    pub fn readblocks(&mut self, block: isize, offset: isize, len: usize) -> Result<isize, String> {
        let mut buf = std::vec![0u8; len];
        let got = self.rig.readblocks(block, &mut buf, offset);
        let want = self.model.readblocks(block, offset, len);
        match &want {
            Ok(bytes) if got == 0 && *bytes != buf => {
                return Err(format!("readblocks({block}, {len}, {offset}): other bytes than the model's"))
            }
            _ => {}
        }
        self.settle(
            &format!("readblocks({block}, {len}, {offset})"),
            got,
            want.map_or_else(|e| e, |_| 0),
            Work::default(),
        )
    }

    #[cfg(feature = "blockdev")]
    fn model_block_size(&self) -> u32 {
        match self.model.min_prepare() {
            0 => self.rig.len,
            g => g,
        }
    }

    /// A reset: the core's state and the model's are gone.
    pub fn reboot(&mut self) {
        self.rig.reboot();
        self.model.reboot();
    }

    /// Deploys `image` with `client`, every call checked, and requires it
    /// to land.
    ///
    /// # Errors
    /// The first broken rule, or the image not in flash afterwards.
    pub fn deploy(&mut self, client: crate::clients::Client, image: &[u8]) -> Result<(), String> {
        let r = client.deploy(self, image);
        if let Some(e) = self.broken.take() {
            return Err(format!("{client:?}: {e}"));
        }
        r.map_err(|e| format!("{client:?}: {e}"))?;
        if !crate::image::holds(self.rig.mem(), image) {
            return Err(format!("{client:?}: the image did not land"));
        }
        Ok(())
    }

    fn note(&mut self, r: Result<isize, String>) -> isize {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.broken.get_or_insert(e);
                0
            }
        }
    }
}

impl Device for Checked {
    fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> isize {
        let r = Checked::ioctl(self, args, buf);
        self.note(r)
    }
    fn segment(&self) -> &[u8] {
        self.rig.mem()
    }
    #[cfg(feature = "blockdev")]
    fn block_ioctl(&mut self, op: isize, arg: isize) -> isize {
        let r = Checked::block_ioctl(self, op, arg);
        self.note(r)
    }
    #[cfg(feature = "blockdev")]
    fn writeblocks(&mut self, block: isize, buf: &[u8], offset: Option<isize>) -> isize {
        let r = Checked::writeblocks(self, block, buf, offset);
        self.note(r)
    }
    fn interrupted(&self) -> bool {
        self.rig.interrupted
    }
}
