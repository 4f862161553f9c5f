#!/usr/bin/env bash
# Builds a test firmware with this module and prints its path:
#   tools/build-firmware.sh unix    the unix variant (ports/unix/romfs)
#   tools/build-firmware.sh qemu    the MPS2_AN385 board (ports/qemu/ROMFS_AN385)
# Build folders are .cache/build/<name>; the log of the last build is there too.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"

name=$1
build=$CACHE/build/$name
mkdir -p "$build"
case "$name" in
    unix)
        args=(-C "$MICROPY_DIR/ports/unix" VARIANT_DIR="$ROOT/ports/unix/romfs")
        out=$build/micropython ;;
    qemu)
        args=(-C "$MICROPY_DIR/ports/qemu" BOARD=ROMFS_AN385 BOARD_DIR="$ROOT/ports/qemu/ROMFS_AN385"
              ROMFS_RUSTC="$DEB_RUSTC" ROMFS_CARGO="$DEB_CARGO")
        out=$build/firmware.elf ;;
    *) echo "usage: $0 unix|qemu" >&2; exit 2 ;;
esac
if ! make "${args[@]}" -j"$(nproc)" BUILD="$build" USER_C_MODULES="$ROOT" "${@:2}" > "$build/build.log" 2>&1; then
    tail -40 "$build/build.log" >&2
    echo "build of $name failed (log: $build/build.log)" >&2
    exit 1
fi
echo "$out"
