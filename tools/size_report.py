"""What the module costs in firmware flash, per Cortex-M target.

For each target and the Cargo features its ports use, builds the Rust core
exactly as micropython.mk does (tools/romfs-rust-build), compiles the C shim
for that CPU against the qemu build's MicroPython headers, and links the two
as a firmware would keep them (--gc-sections from mp_vfs_rom_ioctl).  Prints
text (code + read-only data) of the Rust part, of the C part and of the
whole module, its data + bss; what the block view adds (ROMFS_BLOCKDEV=1:
the core's blockdev feature, the shim's romfs module); what each of the
core's optional features adds alone to the smallest build; the functions of
the SAMD21 module; and the SAMD21 budget: module plus the samd glue, minus
upstream's function it replaces and the ASF4 code only that used.  Two checks fail the report: a build whose
code can reach the panic handler (mp_romfs_fatal: the core must have no
panicking paths) exits 1, a SAMD21 module over its budget exits 2.  Each
port's set of features is read from rust/core/features.mk.

    python tools/size_report.py <cache-dir> <micropython-dir>
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def feature_sets():
    """The core's features per port, from rust/core/features.mk."""
    sets = {}
    for line in (ROOT / "rust" / "core" / "features.mk").read_text().splitlines():
        if line.startswith("ROMFS_FEATURES_") and "=" in line:
            name, value = line.split("=", 1)
            sets[name.strip()[len("ROMFS_FEATURES_"):]] = value.strip()
    return sets


SETS = feature_sets()

# (target, gcc CPU flags, port's feature set, who uses it)
BUILDS = [
    ("thumbv6m-none-eabi", ["-mcpu=cortex-m0plus", "-mfloat-abi=soft"], "samd21", "samd (SAMD21)"),
    ("thumbv7m-none-eabi", ["-mcpu=cortex-m3", "-mfloat-abi=soft"], "all", "qemu test boards"),
    ("thumbv7em-none-eabihf", ["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], "samd51", "samd (SAMD51)"),
    ("thumbv7em-none-eabihf", ["-mcpu=cortex-m7", "-mfloat-abi=hard", "-mfpu=fpv5-d16"], "stm32", "stm32 (F4/F7/H7)"),
    ("thumbv8m.main-none-eabihf", ["-mcpu=cortex-m55", "-mfloat-abi=hard"], "alif", "alif (M55)"),
]

# The SAMD21 build's budget (issue: fit the ItsyBitsy M0): the module adds at
# most 1536 bytes to that firmware, whose own 172-byte mp_vfs_rom_ioctl it
# replaces, with the samd glue (ports/samd/qemu/glue-size.sh) beside it.
SAMD21_BUDGET = 1536
UPSTREAM_SAMD_FN = 172
# ASF4's NVM write code that only upstream's function calls on that board
# (its filesystem is on SPI flash): hal_flash.o 162 B and hpl_nvmctrl.o
# 538 B leave the link once the SAMD21 glue gives its own NVMCTRL commands.
# Measured in the link map of master 1c3c201149 (the report cannot build
# ASF4); with it the report's figure tracks the real link within ~10 B.
UPSTREAM_SAMD_NVM = 162 + 538

# The core's optional features (rust/core/Cargo.toml), each measured alone.
FEATURES = ["deferred", "sector-table", "rewrite-skip", "block-erase", "write-once", "no-erase"]


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
    for target, cpu, port, who in BUILDS:
        features = SETS[port]
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
    shim = shim_object(cache, mp, cpu)
    module = module_object(smallest, shim)
    print("\nfunctions of the SAMD21 module (thumbv6m), bytes:")
    print("  " + ", ".join(f"{name} {size}" for name, size in symbols(module)))

    # The budget: what the module adds to the ItsyBitsy M0 firmware.
    glue = samd_glue(cache, mp)
    whole = cache / "size" / "samd21-all.o"
    subprocess.run(["arm-none-eabi-ld", "-r", "--gc-sections", "--no-warn-execstack", "-u", "mp_vfs_rom_ioctl",
                    "-o", str(whole), str(module), str(glue)], check=True)
    wt, wd, wb = sizes(whole)
    gt = sizes(glue)[0]
    added = wt - UPSTREAM_SAMD_FN - UPSTREAM_SAMD_NVM
    verdict = "within" if added <= SAMD21_BUDGET else "OVER"
    print(f"\nSAMD21 (ItsyBitsy M0): module {sizes(module)[0]} + samd glue {gt} = {wt} B of text, data+bss {wd + wb} B;")
    print(f"  minus upstream's mp_vfs_rom_ioctl ({UPSTREAM_SAMD_FN} B) and the ASF4 NVM write code only it used"
          f" ({UPSTREAM_SAMD_NVM} B), both dropped: adds {added} B, {verdict} the budget of {SAMD21_BUDGET} B")

    print("\npanic paths:", ", ".join(panicking) or "none")
    return 1 if panicking else 2 if added > SAMD21_BUDGET else 0


def symbols(obj):
    """(name, size) of the functions and data of an object, largest last."""
    out = subprocess.run(["arm-none-eabi-nm", "--size-sort", "-S", "-C", str(obj)], capture_output=True, text=True, check=True).stdout
    rows = [line.split(maxsplit=3) for line in out.splitlines()]
    return [(name.split("::")[-1][:40], int(size, 16)) for _, size, kind, name in [r for r in rows if len(r) == 4] if kind in "tTrRdDbB"]


def samd_glue(cache, mp):
    """ports/samd/romfs_port.c for SAMD21, compiled as the samd port does
    (-Os, -std=c99 -Wall -Werror) against the emulation's stand-ins for
    ASF4 and the device header (as ports/samd/qemu/glue-size.sh does)."""
    here = ROOT / "ports" / "samd" / "qemu"
    build = cache / "build" / "qemu-ports-samd-qemu-SAMD21"
    obj = cache / "size" / "romfs_port-SAMD21.o"
    subprocess.run(
        ["arm-none-eabi-gcc", "-Os", "-mthumb", "-mcpu=cortex-m0plus", "-mfloat-abi=soft", "-std=c99", "-Wall", "-Werror",
         "-ffunction-sections", "-fdata-sections", "-DNDEBUG", "-DMCU_SAMD21", f"-I{mp}", f"-I{mp}/ports/qemu", f"-I{build}",
         f"-I{ROOT}/c_glue", f"-I{here}", f"-I{here}/include-hw", f"-I{here}/include", "-DMP_CONFIGFILE=\"samd_emu_config.h\"",
         "-c", str(ROOT / "ports" / "samd" / "romfs_port.c"), "-o", str(obj)],
        check=True,
    )
    return obj


if __name__ == "__main__":
    sys.exit(main())
