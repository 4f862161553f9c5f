#!/usr/bin/env bash
# What the module adds to a real firmware link: MicroPython's qemu port for
# mps2-an385 (Cortex-M3) built stock (vfs.rom_ioctl off, as 1.26.1 ships it)
# and with this module and a minimal RAM glue (ports/qemu/ROMFS_MIN_AN385),
# both from the same tree; arm-none-eabi-size of each, the difference, and
# the module's own symbols in the linked firmware.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
stock=$CACHE/build/qemu-stock
make -C "$MICROPY_DIR/ports/qemu" -j"$(nproc)" BOARD=MPS2_AN385 BUILD="$stock" FROZEN_MANIFEST= > "$stock.log" 2>&1 \
    || { tail -20 "$stock.log"; exit 1; }
with=$("$ROOT/tools/build-firmware.sh" qemu:ports/qemu/ROMFS_MIN_AN385)
echo "qemu mps2-an385 firmware (text = code + read-only data):"
arm-none-eabi-size "$stock/firmware.elf" "$with" | sed "s|$CACHE/build/||"
read -r t0 d0 b0 _ < <(arm-none-eabi-size "$stock/firmware.elf" | tail -1)
read -r t1 d1 b1 _ < <(arm-none-eabi-size "$with" | tail -1)
echo "difference: text +$((t1 - t0)), data +$((d1 - d0)), bss +$((b1 - b0)) bytes"
echo "  (vfs.rom_ioctl's binding and the boot-time /rom mount in MicroPython, the module, the glue)"
echo "the module's own code in that firmware:"
obj=$(dirname "$with")/romfs/mp_romfs_rust.o
syms=$( (arm-none-eabi-nm --defined-only "$obj" 2>/dev/null | awk '{print $3}'; echo mp_vfs_rom_ioctl; echo mp_romfs_fatal; echo __aeabi_memcpy; echo __aeabi_memset; echo __aeabi_memset4; echo __aeabi_memclr; echo __aeabi_memclr4) | sort -u)
arm-none-eabi-nm --print-size --defined-only "$with" | awk 'NF == 4' | sort -k4 > /tmp/fw-syms.$$
rust=$(join -1 4 -2 1 -o 1.2 /tmp/fw-syms.$$ <(arm-none-eabi-nm --defined-only "$obj" 2>/dev/null | awk '{print $3}' | sort -u) | while read -r s; do echo $((16#$s)); done | paste -sd+ - | bc)
shim=$(grep -wE "mp_vfs_rom_ioctl|mp_romfs_fatal|__aeabi_mem[a-z0-9]*" /tmp/fw-syms.$$ | awk '{print $2}' | while read -r s; do echo $((16#$s)); done | paste -sd+ - | bc)
glue=$(grep -wE "mp_romfs_port_[a-z_]*" /tmp/fw-syms.$$ | awk '{print $2}' | while read -r s; do echo $((16#$s)); done | paste -sd+ - | bc)
rm -f /tmp/fw-syms.$$
echo "  Rust core ${rust:-0}, C shim and EABI helpers ${shim:-0}, this board's glue ${glue:-0} bytes"
