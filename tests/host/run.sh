#!/usr/bin/env bash
# mp-romfs's tests: its pytest tests (against the Python device), then the
# end-to-end test (tests/host/e2e.py) on every qemu board: the test board,
# its block-view variant, the two stock-firmware models and every port's
# emulation boards.  Exits 1 if any failed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
cd "$ROOT"

failed=0
"$PYTHON" -m pytest -q -p no:cacheprovider tests/host || failed=1

boards=(qemu qemu:ports/qemu/ROMFS_BLOCKDEV qemu:ports/qemu/ROMFS_STOCK qemu:ports/qemu/ROMFS_STOCK_OP6)
for mk in ports/*/qemu/*/mpconfigboard.mk; do
    boards+=("qemu:$(dirname "$mk")")
done
for board in "${boards[@]}"; do
    echo "--- mp-romfs on $board"
    elf=$(tools/build-firmware.sh "$board") || { failed=1; continue; }
    extra=()
    case "$board" in
        qemu) extra=(--gone) ;;  # last: it stops the emulator
        *ROMFS_STOCK*) extra=(--refuse) ;;
    esac
    "$PYTHON" tests/host/e2e.py --kernel "$elf" "${extra[@]}" || failed=1
done
exit $failed
