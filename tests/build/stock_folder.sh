#!/usr/bin/env bash
# The module added to a build folder that already holds a stock build, as a
# board maintainer adds it (README: an existing build folder works).  The
# unix test variant (ports/unix/romfs) is built without the module (kept
# between runs as a tar file: dependency files name the folder, so it is
# restored in place), made newer than every source (as a stock build made
# after checking out the module is), then built again in that folder with
# USER_C_MODULES.  The firmware must link and serve vfs.rom_ioctl from
# this module: the romfs module (the block view's qstrs) and the test
# module exist, and the segments answer.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
unix=(-C "$MICROPY_DIR/ports/unix" VARIANT_DIR="$ROOT/ports/unix/romfs" -j"$(nproc)")
work=$CACHE/build/unix-stock-then-module stock=$CACHE/build/unix-stock.tar
rm -rf "$work"
mkdir -p "$work"
[ -f "$stock" ] && tar -xf "$stock" -C "$work"
make "${unix[@]}" BUILD="$work" > "$CACHE/build/unix-stock.log" 2>&1 || { tail -20 "$CACHE/build/unix-stock.log"; exit 1; }
tar -cf "$stock" -C "$work" .
find "$work" -exec touch {} +
if ! make "${unix[@]}" BUILD="$work" USER_C_MODULES="$ROOT" ROMFS_CARGO_DIR="$CACHE/build/unix/romfs/cargo" > "$work/build.log" 2>&1; then
    grep -m5 -E "error|undeclared" "$work/build.log"
    echo "FAIL: the module does not build into a folder holding a stock build"
    exit 1
fi
files=$(mktemp -d)
out=$(MICROPY_ROMFS_DIR=$files "$work/micropython" -c "import vfs, romfs, romfs_test; print(vfs.rom_ioctl(1), type(romfs.segment(0)).__name__)")
rm -rf "$files"
echo "the module built into the stock folder; it answers: $out"
[ "$out" = "2 Segment" ]
