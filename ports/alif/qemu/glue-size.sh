#!/usr/bin/env bash
# Size of the alif glue (ports/alif/romfs_port.c) on the real CPU: compiled
# with arm-none-eabi-gcc -Os for the Cortex-M55 (hard float), printed as
# text (code + read-only data), data and bss, for the HP core (MRAM + OSPI
# partitions) and the HE core (MRAM only, no OSPI).
#
#   ports/alif/qemu/glue-size.sh
#       against MicroPython's headers ($MICROPY_DIR, the qemu port's config as
#       the emulation board sets it) and the stand-in DFP headers, with the
#       Ensemble E7's memory map in place of the emulated one.
#
#   ALIF_DFP_DIR=<alif_ensemble-cmsis-dfp checkout> ports/alif/qemu/glue-size.sh
#       also inside the real alif port: the include path and flags of
#       ports/alif/alif.mk for board ALIF_ENSEMBLE, the DFP's own mram.h and
#       global_map.h, -std=c99 -Wall -Werror; and, for comparison, the port's
#       own vfs_rom_ioctl.c compiled the same way (-Os and the port's -O2).
#       ALIF_MICROPY_DIR=<tree> takes the alif port from another MicroPython
#       tree (e.g. master); where lib/cmsis/inc is missing (master has CMSIS
#       as a submodule), set CMSIS_DIR.
#
# Needs the emulation board's build for MicroPython's generated headers
# (built here if missing).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
BOARD=ports/alif/qemu/ENSEMBLE_AN385
BUILD=$CACHE/build/qemu-$(echo "$BOARD" | tr '/' '-')
[ -f "$BUILD/genhdr/qstrdefs.generated.h" ] || "$ROOT/tools/build-firmware.sh" "qemu:$BOARD" >/dev/null
OUT=$CACHE/glue-size
mkdir -p "$OUT/e7"
GLUE=$ROOT/ports/alif/romfs_port.c
CPU=(-mthumb -mcpu=cortex-m55 -mfloat-abi=hard -Os -ffunction-sections -fdata-sections)

# The Ensemble E7's map, for the stand-in build (the DFP's global_map.h values).
cat > "$OUT/e7/global_map.h" <<'EOF'
#define MRAM_BASE       0x80000000
#define MRAM_SIZE       0x00580000
#define OSPI0_XIP_BASE  0xa0000000
#define OSPI0_XIP_SIZE  0x20000000
EOF

sizes() {  # name object: one line of text/data/bss (text = .text* + .rodata*)
    arm-none-eabi-size -A "$2" | awk -v name="$1" '
        $1 ~ /^\.(text|rodata)/ { t += $2 } $1 ~ /^\.data/ { d += $2 } $1 ~ /^\.bss/ { b += $2 }
        END { printf "  %-44s text %4d  data %3d  bss %4d\n", name, t, d, b }'
}

echo "ports/alif/romfs_port.c, arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) ${CPU[*]}"
echo "against MicroPython headers ($MICROPY_DIR) and the stand-in DFP headers:"
for core in HP HE; do
    ospi=$([ $core = HP ] && echo 1 || echo 0)
    arm-none-eabi-gcc "${CPU[@]}" -std=c99 -Wall -Werror -c "$GLUE" -o "$OUT/glue-$core.o" \
        -I"$OUT/e7" -I"$ROOT/ports/alif/qemu/include" -idirafter "$MICROPY_DIR/ports/alif" \
        -I"$MICROPY_DIR" -I"$MICROPY_DIR/ports/qemu" -I"$BUILD" -I"$ROOT/c_glue" -I"$ROOT/$BOARD" \
        -DMP_CONFIGFILE='"romfs_alif_config.h"' -DQEMU_SOC_MPS2 -DNDEBUG \
        -DMICROPY_HW_ROMFS_ENABLE_PART1=$ospi -DMICROPY_HW_ENABLE_OSPI=$ospi
    sizes "M55_$core (partitions: $([ $core = HP ] && echo OSPI + MRAM || echo MRAM))" "$OUT/glue-$core.o"
done

[ -n "${ALIF_DFP_DIR:-}" ] || exit 0
ALIF_MP=${ALIF_MICROPY_DIR:-$MICROPY_DIR}
ALIF=$ALIF_MP/ports/alif
CMSIS_DIR=${CMSIS_DIR:-$ALIF_MP/lib/cmsis/inc}
mkdir -p "$OUT/alif/genhdr"
cp "$BUILD"/genhdr/{qstrdefs.generated.h,root_pointers.h,mpversion.h,moduledefs.h} "$OUT/alif/genhdr/"
(cd "$ALIF" && python3 mcu/make-pins.py --af-csv mcu/ensemble_pin_alt.csv --board-csv boards/ALIF_ENSEMBLE/pins.csv \
    --prefix mcu/pins_prefix.c --output-source "$OUT/alif/pins_board.c" --output-header "$OUT/alif/genhdr/pins_board.h")
echo "inside the alif port ($ALIF, board ALIF_ENSEMBLE, DFP $ALIF_DFP_DIR):"
for core in HP HE; do
    flags=(-mthumb -mcpu=cortex-m55 -mtune=cortex-m55 -mfloat-abi=hard -mfpu=fpv5-d16 -march=armv8.1-m.main+fp+mve.fp
        -std=c99 -Wall -Werror -Wdouble-promotion -Wfloat-conversion -fdata-sections -ffunction-sections
        -DM55_$core=1 -DCORE_M55_$core "-DALIF_CMSIS_H=\"M55_$core.h\"" -DMICROPY_FLOAT_IMPL=MICROPY_FLOAT_IMPL_FLOAT -DNDEBUG
        -I. -I"$ALIF_MP" -I"$OUT/alif" -Iboards/ALIF_ENSEMBLE -I"$CMSIS_DIR"
        -I"$ALIF_DFP_DIR/drivers/include" -I"$ALIF_DFP_DIR/se_services/include" -I"$ALIF_DFP_DIR/ospi_xip/source/ospi"
        -I"$ALIF_DFP_DIR/Device/common/config" -I"$ALIF_DFP_DIR/Device/common/include"
        -I"$ALIF_DFP_DIR/Device/core/M55_$core/config" -I"$ALIF_DFP_DIR/Device/core/M55_$core/include"
        -I"$ALIF_DFP_DIR/Device/E7/AE722F80F55D5XX" -Itinyusb_port -Ilwip_inc -I"$ROOT/c_glue")
    (cd "$ALIF" && arm-none-eabi-gcc "${flags[@]}" -Os -c "$GLUE" -o "$OUT/alif-glue-$core.o")
    sizes "romfs_port.c, M55_$core" "$OUT/alif-glue-$core.o"
    for opt in -Os -O2; do
        (cd "$ALIF" && arm-none-eabi-gcc "${flags[@]}" $opt -c vfs_rom_ioctl.c -o "$OUT/alif-port-$core$opt.o")
        fn=$(arm-none-eabi-nm -S "$OUT/alif-port-$core$opt.o" | awk '$4 == "mp_vfs_rom_ioctl" { print $2 }')
        sizes "port's vfs_rom_ioctl.c $opt, M55_$core" "$OUT/alif-port-$core$opt.o"
        printf '  %-44s %d\n' "  of which mp_vfs_rom_ioctl" "0x$fn"
    done
done
