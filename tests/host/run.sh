#!/usr/bin/env bash
# mp-romfs's tests: its pytest tests (against the Python device), then the
# end-to-end test (tests/host/e2e.py) on every qemu board: the test board,
# its block-view variant, the two stock-firmware models and every port's
# emulation boards.  The boards run two at a time (each waits on its
# emulated serial link far more than it computes); each board's lines are
# printed when it ends.  Exits 1 if any failed.
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
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
e2e() {  # board, log file
    local elf extra=()
    elf=$(tools/build-firmware.sh "$1") || return 1
    case "$1" in
        qemu) extra=(--gone) ;;  # it stops its emulator at the end
        *ROMFS_STOCK*) extra=(--refuse) ;;
    esac
    "$PYTHON" tests/host/e2e.py --kernel "$elf" "${extra[@]}"
}
# The firmwares first (one build at a time), then the deploys.
for board in "${boards[@]}"; do
    tools/build-firmware.sh "$board" > /dev/null || failed=1
done
running=()
for i in "${!boards[@]}"; do
    e2e "${boards[$i]}" > "$logs/$i" 2>&1 &
    running+=("$!:$i")
    if [ ${#running[@]} -eq 2 ] || [ "$i" -eq $((${#boards[@]} - 1)) ]; then
        for job in "${running[@]}"; do
            wait "${job%%:*}" || failed=1
            echo "--- mp-romfs on ${boards[${job#*:}]}"
            cat "$logs/${job#*:}"
        done
        running=()
    fi
done
exit $failed
