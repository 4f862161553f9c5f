#!/usr/bin/env bash
# Compiles ports/samd/romfs_port.c (compile only) inside real samd port trees,
# against the real ASF4 and device headers, as the samd Makefile would:
# MicroPython 1.26.1 and master, ItsyBitsy M0 (SAMD21), ItsyBitsy M4 and
# Generic D51X20 (SAMD51).  1.26.1's samd has no ROMFS, so it is compiled
# with -DMICROPY_VFS_ROM=1 as a board there would set it.
#
#   ports/samd/qemu/compile-check.sh <micropython git dir> <asf4 git dir> [<master rev>]
#
# Needs the two repositories (bare is fine): micropython/micropython (tags
# v1.26.1 and master) and adafruit/asf4 (commit 84f56af, the one both pin).
# CMSIS comes from the MicroPython source in .cache (lib/cmsis/inc); the
# generated headers from the SAMD21 emulation build (the glue needs none of
# their contents).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
MP_GIT=$1 ASF4_GIT=$2 MASTER=${3:-HEAD}
GEN=$CACHE/build/qemu-ports-samd-qemu-SAMD21
[ -f "$GEN/genhdr/qstrdefs.generated.h" ] || "$ROOT/tools/build-firmware.sh" qemu:ports/samd/qemu/SAMD21 >/dev/null
WORK=$CACHE/samd-compile-check
rm -rf "$WORK"
fail=0
for rev in v1.26.1 "$MASTER"; do
    T=$WORK/$(echo "$rev" | tr '/' '-')
    mkdir -p "$T/lib/asf4" "$T/lib/CMSIS_6/CMSIS/Core" "$T/lib/cmsis"
    git -C "$MP_GIT" archive "$rev" py extmod shared drivers ports/samd | tar -x -C "$T"
    git -C "$ASF4_GIT" archive 84f56af samd21 samd51 | tar -x -C "$T/lib/asf4"
    ln -s "$MICROPY_DIR/lib/cmsis/inc" "$T/lib/CMSIS_6/CMSIS/Core/Include"
    ln -s "$MICROPY_DIR/lib/cmsis/inc" "$T/lib/cmsis/inc"
    for spec in "ADAFRUIT_ITSYBITSY_M0_EXPRESS SAMD21 SAMD21G18A -mcpu=cortex-m0plus -msoft-float" \
                "ADAFRUIT_ITSYBITSY_M4_EXPRESS SAMD51 SAMD51G19A -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard" \
                "SAMD_GENERIC_D51X20 SAMD51 SAMD51P20A -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard"; do
        set -- $spec
        board=$1 family=$2 part=$3
        shift 3
        fl=$(echo "$family" | tr A-Z a-z)
        A=$T/lib/asf4/$fl
        obj=$WORK/$(basename "$T")-$board.o
        if (cd "$T/ports/samd" && arm-none-eabi-gcc -Os -mthumb "$@" -std=c99 -Wall -Werror -DNDEBUG \
            -ffunction-sections -fdata-sections -I. -I"$T" -I"$GEN" -I"boards/$board" -I"mcu/$fl" \
            -I"$T/lib/CMSIS_6/CMSIS/Core/Include" -I"$A/hal/include" -I"$A/hal/utils/include" -I"$A/config" \
            -I"$A/hri" -I"$A/hpl/core" -I"$A/hpl/gclk" -I"$A/hpl/pm" -I"$A/hpl/port" -I"$A/hpl/rtc" -I"$A/hpl/tc" \
            -I"$A/include" -I"$A/include/pio" -I"$ROOT/c_glue" -DMCU_"$family" -D__"$part"__ \
            -DMICROPY_HW_CODESIZE=236 -DMICROPY_VFS_ROM=1 -c "$ROOT/ports/samd/romfs_port.c" -o "$obj"); then
            read -r t d b _ < <(arm-none-eabi-size "$obj" | tail -1)
            printf 'ok    %-8s %-30s text %4d data %3d bss %3d\n' "$rev" "$board" "$t" "$d" "$b"
        else
            printf 'FAIL  %-8s %s\n' "$rev" "$board"
            fail=1
        fi
    done
done
exit $fail
