"""What the module costs in firmware flash, per Cortex-M target.

For each target and the Cargo features its ports use, builds the Rust core
exactly as micropython.mk does (tools/romfs-rust-build), compiles the C shim
for that CPU against the qemu build's MicroPython headers, and links the two
as a firmware would keep them (--gc-sections from mp_vfs_rom_ioctl).  Prints
text (code + read-only data) of the Rust part, of the C part and of the
whole module, its data + bss, and the largest Rust symbols of the smallest
build; what the block view adds (ROMFS_BLOCKDEV=1: the core's blockdev
feature, the shim's romfs module); and what each of the core's optional
features adds alone to the smallest build.  Figures only, with one check: a build
whose code can reach the panic handler (mp_romfs_fatal) fails the report,
as the core must have no panicking paths.  Port glue is not included (it is
per board; tools/size_report.py reports the module that every port shares).

    python tools/size_report.py <cache-dir> <micropython-dir>
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (target, gcc CPU flags, features, who uses it)
BUILDS = [
    ("thumbv6m-none-eabi", ["-mcpu=cortex-m0plus", "-mfloat-abi=soft"], "", "samd (SAMD21)"),
    ("thumbv7m-none-eabi", ["-mcpu=cortex-m3", "-mfloat-abi=soft"], "block-erase write-once no-erase rewrite-skip", "qemu test board"),
    ("thumbv7em-none-eabihf", ["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], "write-once rewrite-skip", "samd (SAMD51)"),
    ("thumbv7em-none-eabihf", ["-mcpu=cortex-m7", "-mfloat-abi=hard", "-mfpu=fpv5-d16"], "block-erase write-once rewrite-skip", "stm32 (F4/F7/H7)"),
    ("thumbv8m.main-none-eabihf", ["-mcpu=cortex-m55", "-mfloat-abi=hard"], "block-erase no-erase rewrite-skip", "alif (M55)"),
]


# The core's optional features (rust/core/Cargo.toml), each measured alone.
FEATURES = ["rewrite-skip", "block-erase", "write-once", "no-erase"]


def sizes(obj):
    """(text, data, bss) of an object, text including read-only data."""
    out = subprocess.run(["arm-none-eabi-size", "-A", str(obj)], capture_output=True, text=True, check=True).stdout
    text = data = bss = 0
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        name, size = parts[0], int(parts[1])
        if name.startswith((".text", ".rodata")):
            text += size
        elif name.startswith(".data"):
            data += size
        elif name.startswith(".bss"):
            bss += size
    return text, data, bss


def module_object(rust, shim, roots=("mp_vfs_rom_ioctl",)):
    """The module as a firmware link keeps it: shim and Rust object linked
    together, garbage-collected from `roots` (so only the __aeabi_mem*
    forwarders the Rust code calls remain)."""
    obj = shim.with_name(rust.parent.name + "-" + shim.name.replace("shim", "module"))
    keep = [arg for root in roots for arg in ("-u", root)]
    subprocess.run(["arm-none-eabi-ld", "-r", "--gc-sections", "--no-warn-execstack", *keep,
                    "-o", str(obj), str(rust), str(shim)], check=True)
    return obj


def rust_object(cache, target, features):
    out_dir = cache / "size" / target / (features.replace(" ", "+") or "lean")
    out_dir.mkdir(parents=True, exist_ok=True)
    obj = out_dir / "mp_romfs_rust.o"
    subprocess.run(
        [ROOT / "tools" / "romfs-rust-build", "--cargo", "/usr/bin/cargo", "--rustc", "/usr/bin/rustc",
         "--ld", "arm-none-eabi-ld", "--objcopy", "arm-none-eabi-objcopy", "--target", target,
         "--features", features, "--target-dir", str(cache / "size" / target / "cargo"), "--out", str(obj)],
        check=True, cwd=ROOT,
    )
    return obj


def shim_object(cache, mp, cpu, blockdev=False):
    """The module's C files (shim and EABI helpers) for `cpu`, as one object."""
    objs, tag = [], cpu[0].replace("-mcpu=", "-") + ("-blockdev" if blockdev else "")
    build = cache / "build" / "qemu"
    for name in ("modromfs", "aeabi_mem"):
        obj = cache / "size" / (name + tag + ".o")
        subprocess.run(
            ["arm-none-eabi-gcc", "-Os", "-mthumb", *cpu, "-ffunction-sections", "-fdata-sections", "-std=gnu99",
             f"-I{mp}", f"-I{mp}/ports/qemu", f"-I{build}", f"-I{ROOT}/c_glue", f"-I{ROOT}/ports/qemu/ROMFS_AN385",
             "-DMP_CONFIGFILE=\"romfs_qemu_config.h\"", "-DQEMU_SOC_MPS2", "-DNDEBUG",
             *(["-DMP_ROMFS_BLOCKDEV=1"] if blockdev else []),
             "-c", str(ROOT / "c_glue" / (name + ".c")), "-o", str(obj)],
            check=True,
        )
        objs.append(obj)
    shim = cache / "size" / ("shim" + tag + ".o")
    subprocess.run(["arm-none-eabi-ld", "-r", "--no-warn-execstack", "-o", str(shim), *map(str, objs)], check=True)
    return shim


def panics(obj):
    """Whether the object calls the panic handler."""
    out = subprocess.run(["arm-none-eabi-nm", "-u", str(obj)], capture_output=True, text=True, check=True).stdout
    return "mp_romfs_fatal" in out.split()


def main():
    cache, mp = Path(sys.argv[1]), Path(sys.argv[2])
    panicking = []
    print(f"{'target':27} {'features':38} {'rust text':>9} {'data+bss':>8} {'C shim':>7} {'total':>6} {'+block view':>11}  used by")
    smallest = None
    for target, cpu, features, who in BUILDS:
        rust = rust_object(cache, target, features)
        rt, rd, rb = sizes(rust)
        mt, md, mb = sizes(module_object(rust, shim_object(cache, mp, cpu)))
        block = rust_object(cache, target, (features + " blockdev").strip())
        bt = sizes(module_object(block, shim_object(cache, mp, cpu, True), ("mp_vfs_rom_ioctl", "romfs_module")))[0]
        panicking += [f"{target} [{f}]" for f, obj in ((features, rust), (features + " blockdev", block)) if panics(obj)]
        print(f"{target:27} {features or '(none)':38} {rt:9} {md + mb:8} {mt - rt:7} {mt:6} {bt - mt:+11}  {who}")
        if smallest is None:
            smallest = rust
    target, cpu = BUILDS[0][:2]
    lean = sizes(module_object(smallest, shim_object(cache, mp, cpu)))[0]
    print(f"\neach optional feature alone ({target}, module text over {lean} B without any):")
    for feature in FEATURES:
        text = sizes(module_object(rust_object(cache, target, feature), shim_object(cache, mp, cpu)))[0]
        print(f"  {feature:13} {text - lean:+5}")
    print("\nlargest Rust functions (thumbv6m):")
    out = subprocess.run(["arm-none-eabi-nm", "--size-sort", "-S", "-C", str(smallest)], capture_output=True, text=True).stdout
    rows = [line.split(maxsplit=3) for line in out.splitlines()]
    for _, size, _, name in [r for r in rows if len(r) == 4][-8:]:
        print(f"  {int(size, 16):5}  {name[:90]}")


    print("\npanic paths:", ", ".join(panicking) or "none")
    return 1 if panicking else 0


if __name__ == "__main__":
    sys.exit(main())
