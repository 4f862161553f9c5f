#!/usr/bin/env bash
# Size of the stm32 glue (ports/stm32/romfs_port.c) on the real CPUs: each
# configuration is compiled with arm-none-eabi-gcc -Os for its core
# (Cortex-M0/M0+ for F0/L0, Cortex-M4 for F4/G4/L4, Cortex-M7 for F7/H7,
# Cortex-M33 for H5, Cortex-M55 for N6) against the
# MicroPython tree's headers (py/, drivers/, ports/stm32/*.h, lib/cmsis/inc)
# and the stand-ins in include/size/ (a minimal MicroPython config, the few
# HAL/device values the glue reads).  For comparison the port's own
# ports/stm32/vfs_rom_ioctl.c of the same tree is compiled with the same
# settings.  Prints text/data/bss of each object, and the size of upstream's
# mp_vfs_rom_ioctl function.
#
#   ports/stm32/qemu/glue-size.sh            MicroPython from .cache/env (tools/setup.sh)
#   MICROPY_DIR=<tree> ports/stm32/qemu/glue-size.sh
#
# A configuration whose headers the tree lacks is reported as skipped (OSPI
# needs a memory-mapped OCTOSPI driver, i.e. MicroPython after 1.26).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
if [ -z "${MICROPY_DIR:-}" ]; then
    # shellcheck source=/dev/null
    . "$ROOT/.cache/env"
fi
CROSS=${CROSS_COMPILE:-arm-none-eabi-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# CMSIS core headers: lib/cmsis/inc up to 1.26, lib/CMSIS_6 after.
CMSIS=$MICROPY_DIR/lib/cmsis/inc
[ -f "$CMSIS/core_cm7.h" ] || CMSIS=$MICROPY_DIR/lib/CMSIS_6/CMSIS/Core/Include

M0=(-mcpu=cortex-m0 -mthumb)
M0P=(-mcpu=cortex-m0plus -mthumb)
M4=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
M7=(-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16)
M33=(-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16)
M55=(-mcpu=cortex-m55 -mthumb -mfloat-abi=hard)
FLAGS=(-Os -std=gnu99 -Wall -Werror -ffunction-sections -fdata-sections -DNDEBUG -DNO_QSTR
       -I"$HERE/include/size" -I"$ROOT/c_glue" -I"$MICROPY_DIR" -I"$MICROPY_DIR/ports/stm32"
       -I"$CMSIS" -DSTM32_HAL_H='"stm32_hal_size.h"')

ON=1
INT=(-DMICROPY_HW_ROMFS_ENABLE_INTERNAL_FLASH=$ON)
P0=(-DMICROPY_HW_ROMFS_ENABLE_PART0=$ON)
P01=(-DMICROPY_HW_ROMFS_ENABLE_PART0=$ON -DMICROPY_HW_ROMFS_ENABLE_PART1=$ON)
QSPI=(-DMICROPY_HW_ROMFS_ENABLE_EXTERNAL_QSPI=$ON '-DMICROPY_HW_ROMFS_QSPI_SPIFLASH_OBJ=(&spi_bdev2.spiflash)')
OSPI=(-DMICROPY_HW_ROMFS_ENABLE_EXTERNAL_OSPI=$ON '-DMICROPY_HW_ROMFS_OSPI_SPIFLASH_OBJ=(&spi_bdev2.spiflash)')
XSPI=(-DMICROPY_HW_ROMFS_ENABLE_EXTERNAL_XSPI=$ON '-DMICROPY_HW_ROMFS_XSPI_SPIBDEV_OBJ=(&spi_bdev)')
BLOCKS=('-DMICROPY_HW_ROMFS_QSPI_BLOCK_ERASE=(32768|65536)')
# As the real VCC_GND_H743VI build check in ports/stm32/README.md.
DYN=(-DMICROPY_HW_ROMFS_PART0_START=0x08180000 -DMICROPY_HW_ROMFS_PART0_SIZE=0x80000)

sizes() {  # object -> "text data bss"
    "${CROSS}size" "$1" | awk 'NR == 2 { print $1, $2, $3 }'
}

measure() {  # name, cpu array name, defines...
    local name=$1 cpu=$2
    shift 2
    local -n arch=$cpu
    local glue up fn
    if "${CROSS}gcc" "${arch[@]}" "${FLAGS[@]}" "$@" -c "$ROOT/ports/stm32/romfs_port.c" -o "$work/glue.o" 2> "$work/err"; then
        glue=$(sizes "$work/glue.o")
    else
        glue="skipped: $(grep -m1 -o 'error: .*' "$work/err" || echo 'compile error')"
    fi
    up="-"
    fn="-"
    if "${CROSS}gcc" "${arch[@]}" "${FLAGS[@]}" "$@" -c "$MICROPY_DIR/ports/stm32/vfs_rom_ioctl.c" -o "$work/up.o" 2> /dev/null; then
        up=$(sizes "$work/up.o")
        fn=$(( 16#$("${CROSS}nm" -S "$work/up.o" | awk '$4 == "mp_vfs_rom_ioctl" { print $2 }') ))
    fi
    printf '%-34s %-12s %-16s %-16s %s\n' "$name" "${cpu}" "$glue" "$up" "$fn"
}

version=$(awk '/^#define MICROPY_VERSION_(MAJOR|MINOR|MICRO) / { v = v (v ? "." : "") $3 } END { print v }' "$MICROPY_DIR/py/mpconfig.h")
echo "MicroPython: $version ($MICROPY_DIR)"
echo "compiler:    $("${CROSS}gcc" --version | head -1)"
printf '\n%-34s %-12s %-16s %-16s %s\n' "configuration" "cpu" "glue t/d/b" "upstream t/d/b" "upstream fn"
measure "F429 internal" M4 -DSTM32F429xx "${INT[@]}" "${P0[@]}"
measure "F429 internal, 2 partitions" M4 -DSTM32F429xx "${INT[@]}" "${P01[@]}"
measure "F767 internal" M7 -DSTM32F767xx "${INT[@]}" "${P0[@]}"
measure "F767 internal + QSPI 32K/64K" M7 -DSTM32F767xx "${INT[@]}" "${QSPI[@]}" "${BLOCKS[@]}" "${P01[@]}"
measure "F722 QSPI (4K)" M7 -DSTM32F722xx "${QSPI[@]}" "${P0[@]}"
measure "H743 internal (real-build config)" M7 -DSTM32H743xx "${INT[@]}" "${P0[@]}" "${DYN[@]}"
measure "H743 internal" M7 -DSTM32H743xx "${INT[@]}" "${P0[@]}"
measure "H7A3 internal (8K, 16-byte words)" M7 -DSTM32H7A3xx "${INT[@]}" "${P0[@]}"
measure "H743 QSPI (4K)" M7 -DSTM32H743xx "${QSPI[@]}" "${P0[@]}"
measure "H743 QSPI 32K/64K" M7 -DSTM32H743xx "${QSPI[@]}" "${BLOCKS[@]}" "${P0[@]}"
measure "H743 internal + QSPI 32K/64K" M7 -DSTM32H743xx "${INT[@]}" "${QSPI[@]}" "${BLOCKS[@]}" "${P01[@]}"
measure "H723 OSPI 64K" M7 -DSTM32H723xx "${OSPI[@]}" '-DMICROPY_HW_ROMFS_OSPI_BLOCK_ERASE=65536' "${P0[@]}"
measure "F091 internal (words, once)" M0 -DSTM32F091xC "${INT[@]}" "${P0[@]}"
measure "L072 internal (erased 0x00)" M0P -DSTM32L072xx "${INT[@]}" "${P0[@]}"
measure "G474 internal (doublewords)" M4 -DSTM32G474xx "${INT[@]}" "${P0[@]}"
measure "L476 internal (doublewords)" M4 -DSTM32L476xx "${INT[@]}" "${P0[@]}"
measure "H563 internal (quad-words)" M33 -DSTM32H563xx "${INT[@]}" "${P0[@]}"
measure "N657 XSPI (4K)" M55 -DSTM32N657xx "${XSPI[@]}" "${P0[@]}"
