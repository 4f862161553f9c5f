#!/usr/bin/env bash
# Size of the samd glue (ports/samd/romfs_port.c) as the real CPUs build it:
# arm-none-eabi-gcc -Os, -std=c99 -Wall -Werror as the samd port compiles,
# SAMD21 for Cortex-M0+ (soft float) and SAMD51 for Cortex-M4 (hard float),
# against MicroPython's headers (the qemu build's configuration and
# generated headers: the glue needs only MICROPY_VFS_ROM_IOCTL and
# mp_event_handle_nowait) and the stand-ins for ASF4's hal_flash.h and the
# device header with the real parts' addresses (include-hw/sam.h).
#
# Prints text (code + read-only data), data and bss of the glue, its
# functions, and, if tools/size-report.sh has built the module for these
# CPUs (.cache/size/), the module (core + shim) and glue linked together as
# a firmware keeps them (--gc-sections from mp_vfs_rom_ioctl).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
BUILD=$CACHE/build/qemu-ports-samd-qemu-SAMD21
[ -f "$BUILD/genhdr/qstrdefs.generated.h" ] || "$ROOT/tools/build-firmware.sh" qemu:ports/samd/qemu/SAMD21 >/dev/null
OUT=$CACHE/size/samd-glue
mkdir -p "$OUT"

sizes() {  # text data bss of an object (text includes .rodata)
    arm-none-eabi-size -A "$1" | awk '
        $1 ~ /^\.(text|rodata)/ { t += $2 } $1 ~ /^\.data/ { d += $2 } $1 ~ /^\.bss/ { b += $2 }
        END { printf "%d %d %d\n", t, d, b }'
}

printf '%-7s %-14s %6s %5s %5s   %s\n' family cpu text data bss "functions (bytes)"
for spec in "SAMD21 cortex-m0plus -mfloat-abi=soft lean 172" \
            "SAMD51 cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16 write-once+rewrite-skip 164"; do
    set -- $spec
    family=$1 cpu=$2
    shift 2
    fp=()
    while [ $# -gt 2 ]; do fp+=("$1"); shift; done
    features=$1 upstream=$2
    obj=$OUT/romfs_port-$family.o
    arm-none-eabi-gcc -Os -mthumb -mcpu="$cpu" "${fp[@]}" -std=c99 -Wall -Werror \
        -ffunction-sections -fdata-sections -DNDEBUG -DMCU_"$family" \
        -I"$MICROPY_DIR" -I"$MICROPY_DIR/ports/qemu" -I"$BUILD" -I"$ROOT/c_glue" \
        -I"$HERE" -I"$HERE/include-hw" -I"$HERE/include" -DMP_CONFIGFILE='"samd_emu_config.h"' \
        -c "$ROOT/ports/samd/romfs_port.c" -o "$obj"
    read -r t d b < <(sizes "$obj")
    funcs=$(arm-none-eabi-nm --size-sort -S "$obj" | while read -r _ size kind name; do
        case $kind in [tTrRdDbB]) printf '%s %d, ' "$name" "$((16#$size))" ;; esac
    done)
    printf '%-7s %-14s %6d %5d %5d   %s\n' "$family" "$cpu" "$t" "$d" "$b" "${funcs%, }"
    module=$CACHE/size/$features-module-$cpu.o
    if [ -f "$module" ]; then
        arm-none-eabi-ld -r --gc-sections --no-warn-execstack -u mp_vfs_rom_ioctl -o "$OUT/all-$family.o" "$module" "$obj"
        read -r mt md mb < <(sizes "$module")
        read -r at ad ab < <(sizes "$OUT/all-$family.o")
        printf '        module (core + shim) %d + glue = %d bytes of text, data+bss %d; upstream mp_vfs_rom_ioctl %d (freed)\n' \
            "$mt" "$at" "$((ad + ab))" "$upstream"
    else
        printf '        (run tools/size-report.sh for the module'"'"'s size on %s)\n' "$cpu"
    fi
done
