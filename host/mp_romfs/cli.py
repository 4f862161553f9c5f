"""mp-romfs: query and deploy ROMFS partitions of a MicroPython device.

    mp-romfs query [--device D]
    mp-romfs deploy SRC [--partition N] [--device D]
"""

import argparse
import sys

from .deploy import Deploy, DeployError, describe_stop, header_text, segment_of
from .device import DeviceGone, Link, ProtocolError, device_info
from .image import ImageError, MpyCross, load_source


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def query(link, info):
    ours, segs, mpy, mem_free, have = info
    print("firmware: %s" % ("runs this module (mp-romfs's vfs.rom_ioctl)" if ours else "stock vfs.rom_ioctl"))
    for i, s in enumerate(segs):
        if s is None:
            print("segment %d: not available" % i)
            continue
        kind, size, unit, head, mounts = s
        if kind == "block":
            how = "block device, blocks of %d bytes" % unit
        else:
            how = "memoryview (ops 3-5), " + ("op 6 granularity %d bytes" % unit if unit else "no op 6 (3-argument prepare only)")
        print("segment %d: %d bytes, %s" % (i, size, how))
        print("  program unit: returned by each deploy's prepare (no read-only query exists)")
        print("  holds: %s%s" % (header_text(head, size), ", mounts" if mounts else ", does not mount"))


def deploy(link, info, args):
    mpy = info[2]
    mpy_cross = None
    if args.mpy and mpy is not None:
        try:
            mpy_cross = MpyCross(mpy)
        except ImageError as e:
            log("%s: .py files are deployed as source" % e)
    elif args.mpy:
        log("the device reports no .mpy version: .py files are deployed as source")
    image = load_source(args.src, mpy_cross)
    job = Deploy(link, image, args.partition, transfer=args.transfer, progress=not args.no_progress, log=log)
    try:
        s = job.run(info)
    except (DeviceGone, ProtocolError) as e:
        raise DeployError("%s during %s: %s" % (e, job.phase, describe_stop(job.phase, job.started_writing))) from None
    except DeployError as e:
        raise DeployError("%s; %s" % (e, describe_stop(job.phase, job.started_writing))) from None
    print("deployed %d bytes to partition %d: %d bytes sent, %d of %d units skipped, %.1f s (%s)"
          % (s["image"], args.partition, s["sent"], s["skipped"], s["units"], s["seconds"], s["channel"]))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="mp-romfs", description="Query and deploy ROMFS partitions.")
    sub = ap.add_subparsers(dest="command", required=True)
    q = sub.add_parser("query", help="describe each ROM segment")
    d = sub.add_parser("deploy", help="write a folder or an image file to a partition")
    d.add_argument("src", help="a folder (built into an image) or a ROMFS image file")
    d.add_argument("--partition", "-p", type=int, default=0)
    d.add_argument("--no-mpy", dest="mpy", action="store_false", help="keep .py files as source")
    d.add_argument("--no-progress", action="store_true")
    d.add_argument("--transfer", choices=["auto", "raw", "exec"], default="auto",
                   help="auto: the stream, deflated where it pays; raw: the stream, never deflated; "
                        "exec: one raw-REPL command per operation")
    for p in (q, d):
        p.add_argument("--device", "-d", default="auto", help="as mpremote's connect (default: auto)")
    args = ap.parse_args(argv)
    link = None
    try:
        link = Link(args.device)
        info = device_info(link)
        if args.command == "query":
            query(link, info)
        else:
            deploy(link, info, args)
    except (DeployError, ImageError, DeviceGone, ProtocolError) as e:
        log("mp-romfs: error: %s" % e)
        return 1
    finally:
        if link is not None:
            try:
                link.close()
            except DeviceGone:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
