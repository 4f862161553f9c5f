#!/usr/bin/env bash
# Do the emulation board's tests catch a broken glue?  Builds the
# ENSEMBLE_AN385 board with deliberately broken copies of
# ports/alif/romfs_port.c (one fault each) and runs the board's tests
# (tests/firmware, tests/ports/alif/ENSEMBLE_AN385) on each: every mutant
# must fail some test.  Prints one line per mutant; exits 1 if one passes.
# Not part of tools/test.sh (one firmware build per mutant).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
BOARD=$ROOT/ports/alif/qemu/ENSEMBLE_AN385
OUT=$CACHE/mutants
mkdir -p "$OUT"

# name|text in romfs_port.c|replacement
MUTANTS=(
    "MPU left writable after MRAM writes|        mpu_config_mram(true);\n        return 0;|        return 0;"
    "MRAM written without opening the MPU|        mpu_config_mram(false);\n|"
    "one 16-byte unit too many (reads past the source)|i < len; i += MRAM_SECTOR_SIZE|i <= len; i += MRAM_SECTOR_SIZE"
    "OSPI write length not a word multiple|return ospi_flash_write(addr, len, src);|return ospi_flash_write(addr, len == 4 ? 2 : len, src);"
    "64 KiB block erase done as one sector erase|return ospi_flash_erase_block_64k(addr);|return ospi_flash_erase_sector(addr);"
    "OSPI addresses as CPU addresses|            s->addr = off;\n|"
)

escaped=0
i=0
for m in "${MUTANTS[@]}"; do
    IFS='|' read -r name old new <<< "$m"
    i=$((i + 1))
    src=$OUT/mutant$i.c
    if ! python3 - "$ROOT/ports/alif/romfs_port.c" "$src" "$old" "$new" <<'EOF'
import sys
path, out, old, new = sys.argv[1], sys.argv[2], sys.argv[3].replace("\\n", "\n"), sys.argv[4].replace("\\n", "\n")
s = open(path).read()
if old not in s:
    sys.exit(1)
open(out, "w").write(s.replace(old, new, 1))
EOF
    then
        echo "?      $name: text not found in romfs_port.c"; escaped=1; continue
    fi
    build=$OUT/build$i
    if ! make -C "$MICROPY_DIR/ports/qemu" BOARD=ENSEMBLE_AN385 BOARD_DIR="$BOARD" -j"$(nproc)" BUILD="$build" \
            USER_C_MODULES="$ROOT" ROMFS_RUSTC="$DEB_RUSTC" ROMFS_CARGO="$DEB_CARGO" ROMFS_CARGO_DIR="$CACHE/cargo-qemu" \
            ROMFS_GLUE="$src $ROOT/ports/testboard/romfs_testmod.c $BOARD/alif_emu.c" > "$build.log" 2>&1; then
        echo "?      $name: build failed ($build.log)"; escaped=1; continue
    fi
    failed=$(cd "$MICROPY_DIR/tests" && "$PYTHON" ./run-tests.py --result-dir "$OUT/results$i" \
        -t "execpty:qemu-system-arm -machine mps2-an385 -nographic -monitor null -semihosting -serial pty -kernel $build/firmware.elf" \
        "$ROOT"/tests/firmware/*.py "$ROOT"/tests/ports/alif/ENSEMBLE_AN385/*.py 2>&1 | sed -n 's/^FAIL  .*\///p' | tr -d ' ' | tr '\n' ' ')
    if [ -n "$failed" ]; then
        echo "caught $name: $failed"
    else
        echo "MISSED $name"; escaped=1
    fi
done
exit $escaped
