#!/usr/bin/env bash
# Builds a test firmware with this module and prints its path:
#   tools/build-firmware.sh unix          the unix variant (ports/unix/romfs)
#   tools/build-firmware.sh qemu          the MPS2_AN385 test board (ports/qemu/ROMFS_AN385)
#   tools/build-firmware.sh qemu:<dir>    any qemu board folder of this repository,
#                                         e.g. qemu:ports/stm32/qemu/STM32F767
#   tools/build-firmware.sh unix|qemu... VAR=value...   with these make settings too
# Build folders are .cache/build/<name> ($ROMFS_BUILD if set); the log of the
# last build is there too.  The qemu builds share one Cargo folder, so Rust's
# core is built once.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"

name=$1
board=
case "$name" in qemu) board=ports/qemu/ROMFS_AN385 ;; qemu:*) board=${name#qemu:} ;; esac
build=${ROMFS_BUILD:-$CACHE/build/$(echo "$name" | tr ':/' '--')}
case "$name" in
    unix)
        args=(-C "$MICROPY_DIR/ports/unix" VARIANT_DIR="$ROOT/ports/unix/romfs")
        out=$build/micropython ;;
    qemu|qemu:*)
        [ -f "$ROOT/$board/mpconfigboard.mk" ] || { echo "no qemu board in $board" >&2; exit 2; }
        args=(-C "$MICROPY_DIR/ports/qemu" BOARD="$(basename "$board")" BOARD_DIR="$ROOT/$board"
              ROMFS_RUSTC="$DEB_RUSTC" ROMFS_CARGO="$DEB_CARGO" ROMFS_CARGO_DIR="$CACHE/cargo-qemu")
        out=$build/firmware.elf ;;
    *) echo "usage: $0 unix|qemu|qemu:<board folder>" >&2; exit 2 ;;
esac
# MicroPython's objects do not depend on the make settings (a board's make
# files, tests/lib/freeze.mk, the command line): a build folder made with
# other ones is built afresh.
settings=$( { printf '%s\n' "${args[@]}" "${@:2}"; cat "$ROOT/micropython.mk"
              find "$ROOT/ports" "$ROOT/rust/core" "$ROOT/tests/lib" -name '*.mk' | sort | xargs cat; } | sha256sum)
[ "$(cat "$build/.settings" 2>/dev/null)" = "$settings" ] || rm -rf "$build"
mkdir -p "$build"
if ! make "${args[@]}" -j"$(nproc)" BUILD="$build" USER_C_MODULES="$ROOT" "${@:2}" > "$build/build.log" 2>&1; then
    tail -40 "$build/build.log" >&2
    echo "build of $name failed (log: $build/build.log)" >&2
    exit 1
fi
# A module build is as quiet as a stock one: no linker warning of its own.
if grep -E "ld: warning|executable stack" "$build/build.log" >&2; then
    echo "build of $name: the linker warned (log: $build/build.log)" >&2
    exit 1
fi
echo "$settings" > "$build/.settings"
echo "$out"
