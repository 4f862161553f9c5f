//! The clients that deploy images, each written once: mpremote 1.29.0 and
//! 1.26.1 through `vfs.rom_ioctl`, mpremote through a block device, and this
//! project's host tool (`host/`, `mp-romfs deploy`).  The property test, the
//! fuzz target, the power-loss test and the benchmark replay them.

use std::format;
use std::string::String;
use std::vec::Vec;

/// What a client reaches on the device: `vfs.rom_ioctl`, the segment's
/// bytes (its memoryview), and for the block path the methods of the block
/// device that `rom_ioctl(2, id)` returns.
pub trait Device {
    /// `vfs.rom_ioctl(*args)`; op 4 takes `buf` as its buffer.
    fn ioctl(&mut self, args: &[isize], buf: &[u8]) -> isize;
    /// The segment's bytes.
    fn segment(&self) -> &[u8];
    /// Block device: `ioctl(op, arg)` (a device without one: -EINVAL).
    fn block_ioctl(&mut self, _op: isize, _arg: isize) -> isize {
        -22
    }
    /// Block device: `writeblocks(block, buf)` or `writeblocks(block, buf,
    /// offset)`; 0 or the negative errno of the `OSError` it raises (a
    /// device without one: -EINVAL).
    fn writeblocks(&mut self, _block: isize, _buf: &[u8], _offset: Option<isize>) -> isize {
        -22
    }
    /// Whether the last call raised (KeyboardInterrupt from the port's
    /// event hook): then the client's exec fails and it stops.
    fn interrupted(&self) -> bool {
        false
    }
}

/// A call's result, or the interruption that stops the client.
fn stop<D: Device>(dev: &D, what: &str, ret: isize) -> Result<isize, String> {
    if dev.interrupted() {
        Err(format!("{what}: interrupted"))
    } else {
        Ok(ret)
    }
}

fn ioctl<D: Device>(dev: &mut D, args: &[isize], buf: &[u8]) -> Result<isize, String> {
    let ret = dev.ioctl(args, buf);
    stop(dev, "rom_ioctl", ret)
}

/// A deploy client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    /// mpremote 1.29.0 (`commands.py`, romfs deploy): 4-arg prepares of up
    /// to 32 KiB rounded up to op 6 (one 3-arg prepare when op 6 is not
    /// smaller than the segment), chunks of max(4 KiB, min write) with the
    /// last one zero-padded, op 5; no result checked.
    Mpremote129,
    /// mpremote 1.26.1: one 3-arg prepare of the image length, chunks, op 5.
    Mpremote126,
    /// mpremote (either version) to a block device: `ioctl(6, n)` for each
    /// block the image covers, then `writeblocks(n, chunk, offset)` in
    /// zero-padded chunks of min(4 KiB, block size); no sync.
    #[cfg(feature = "blockdev")]
    Block,
    /// `mp-romfs deploy` on this module, `rom_ioctl` path: with op 6 = G >
    /// 0, the runs of G-units that differ from the segment (the first unit
    /// and the image's last unit always among them), in order, each with a
    /// 4-arg prepare of the run and its writes; without, one 3-arg prepare
    /// and every unit; op 5.  Every result checked.
    HostTool,
}

impl Client {
    /// Every client of this build.
    pub const ALL: &'static [Client] = &[
        Client::Mpremote129,
        Client::Mpremote126,
        #[cfg(feature = "blockdev")]
        Client::Block,
        Client::HostTool,
    ];

    /// Deploys `image` to segment 0 of `dev`.
    ///
    /// # Errors
    /// A call was interrupted (the client stops there); and, as only the
    /// host tool checks results, the first call that failed, with its op,
    /// offset and errno.
    pub fn deploy<D: Device>(self, dev: &mut D, image: &[u8]) -> Result<(), String> {
        match self {
            Client::Mpremote129 => {
                let size = dev.segment().len();
                let step = match ioctl(dev, &[6, 0], &[])? {
                    g if g <= 0 => size,
                    g => g as usize,
                };
                let unit = if step < size {
                    let (mut off, mut unit) = (0, 0);
                    while off < image.len() {
                        let n = (image.len() - off).min(32768).div_ceil(step) * step;
                        unit = ioctl(dev, &[3, 0, off as isize, n as isize], &[])?;
                        off += n;
                    }
                    unit
                } else {
                    ioctl(dev, &[3, 0, image.len() as isize], &[])?
                };
                write_chunks(dev, image, 4096.max(unit.max(0) as usize))?;
                ioctl(dev, &[5, 0], &[]).map(|_| ())
            }
            Client::Mpremote126 => {
                let unit = ioctl(dev, &[3, 0, image.len() as isize], &[])?;
                write_chunks(dev, image, 4096.max(unit.max(0) as usize))?;
                ioctl(dev, &[5, 0], &[]).map(|_| ())
            }
            #[cfg(feature = "blockdev")]
            Client::Block => {
                let bs = dev.block_ioctl(5, 0);
                let bs = stop(dev, "ioctl(5)", bs)?.max(1) as usize;
                for off in (0..image.len()).step_by(bs) {
                    let r = dev.block_ioctl(6, (off / bs) as isize);
                    stop(dev, "ioctl(6)", r)?;
                }
                let chunk = bs.min(4096);
                for off in (0..image.len()).step_by(chunk) {
                    let mut buf = image[off..image.len().min(off + chunk)].to_vec();
                    buf.resize(chunk, 0);
                    let r = dev.writeblocks((off / bs) as isize, &buf, Some((off % bs) as isize));
                    stop(dev, "writeblocks", r)?;
                }
                Ok(())
            }
            Client::HostTool => host_tool(dev, image),
        }
    }
}

/// Writes `image` in `chunk`-byte writes, the last zero-padded; results
/// unchecked.
fn write_chunks<D: Device>(dev: &mut D, image: &[u8], chunk: usize) -> Result<(), String> {
    for off in (0..image.len()).step_by(chunk) {
        let mut buf = image[off..image.len().min(off + chunk)].to_vec();
        buf.resize(chunk, 0);
        ioctl(dev, &[4, 0, off as isize, 0], &buf)?;
    }
    Ok(())
}

/// The host tool's `rom_ioctl` sequence (see [`Client::HostTool`]).
fn host_tool<D: Device>(dev: &mut D, image: &[u8]) -> Result<(), String> {
    let check = |op: isize, off: usize, ret: Result<isize, String>| match ret? {
        ret if ret < 0 => Err(format!("rom_ioctl({op}) at offset {off}: errno {}", -ret)),
        ret => Ok(ret),
    };
    let g = ioctl(dev, &[6, 0], &[])?;
    let runs: Vec<(usize, usize)> = if g <= 0 {
        std::vec![(0, image.len())]
    } else {
        let g = g as usize;
        let units = image.len().div_ceil(g);
        let changed: Vec<bool> = (0..units)
            .map(|u| {
                let (a, b) = (u * g, image.len().min(u * g + g));
                u == 0 || u == units - 1 || dev.segment().get(a..b) != Some(&image[a..b])
            })
            .collect();
        let mut runs = Vec::new();
        for (u, &changed) in changed.iter().enumerate() {
            match runs.last_mut() {
                Some((_, end)) if changed && *end == u * g => *end = u * g + g,
                _ if changed => runs.push((u * g, u * g + g)),
                _ => {}
            }
        }
        runs
    };
    for (a, b) in runs {
        let prepare: &[isize] = if g <= 0 { &[3, 0, b as isize] } else { &[3, 0, a as isize, (b - a) as isize] };
        let unit = check(3, a, ioctl(dev, prepare, &[]))? as usize;
        let chunk = 4096.max(unit);
        for off in (a..b.min(image.len())).step_by(chunk) {
            let end = b.min(off + chunk).min(image.len());
            let mut buf = image[off..end].to_vec();
            buf.resize(buf.len().next_multiple_of(unit), 0);
            check(4, off, ioctl(dev, &[4, 0, off as isize, 0], &buf))?;
        }
    }
    check(5, 0, ioctl(dev, &[5, 0], &[])).map(|_| ())
}
