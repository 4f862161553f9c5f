#!/usr/bin/env bash
# Runs every test, each step in turn, and exits 1 if any failed.
#
#   1. Rust host tests: geometry tables, engine plans, property tests
#      against the oracle, power loss at every flash operation, and the
#      generated interface files against a fresh generation (cargo test
#      --workspace); then a time-boxed fuzz pass (fuzz/, FUZZ_SECONDS).
#   2. The unix test firmware and every qemu board: the test board
#      (ports/qemu/ROMFS_AN385), the same with the block view as
#      rom_ioctl(2)'s result (ports/qemu/ROMFS_BLOCKDEV) and each port's
#      emulation boards (ports/<port>/qemu/<BOARD>), built with this module.
#   3. With MicroPython's run-tests.py: tests/firmware/*.py on every
#      firmware, tests/testboard/*.py on the two test-board firmwares, and
#      tests/ports/<port>/<BOARD>/*.py on that board.
#   4. mpremote 1.29.0 and 1.26.1 deploying to every segment of every qemu
#      board (tests/mpremote/deploy_test.py); the unix firmware killed at
#      every flash operation of a deploy (tests/powercut/unix_powercut.py).
#   4b. mp-romfs (host/): its pytest tests and its end-to-end test on every
#      qemu board, stock-firmware models included (tests/host/run.sh).
#   5. Memory checks of the C ABI edge: ASan and valgrind on the C harness,
#      the unix firmware's C side with ASan+UBSan (tools/memcheck.sh).
#   6. Size report of the module for each Cortex-M target (figures only).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/setup.sh" || exit 1
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
cd "$ROOT"

failed=()
step() {
    local name=$1
    shift
    printf '\n=== %s\n' "$name"
    local t=$SECONDS
    if "$@"; then
        printf '=== %s: ok (%d s)\n' "$name" $((SECONDS - t))
    else
        printf '=== %s: FAILED\n' "$name"
        failed+=("$name")
    fi
}

run_tests() {  # run-tests.py; args: result-dir, test files, -- target args...
    local results=$1 files=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do files+=("$1"); shift; done
    shift
    (cd "$MICROPY_DIR/tests" && "$PYTHON" ./run-tests.py --result-dir "$results" "$@" "${files[@]}")
}

step "Rust host tests" cargo test --workspace --locked --quiet
# The benchmark's second build (profiles whose port has no rewrite-skip).
step "bench builds without rewrite-skip" cargo check --locked --quiet -p bench --no-default-features

# A time-boxed fuzz pass (README: how to run a long one).  No sanitizer: the
# harness is safe Rust, and this keeps it at several hundred runs a second.
fuzz() {
    # fuzz/regressions: inputs that once failed, run first as seeds.
    (cd fuzz && mkdir -p corpus/ioctl && cargo +nightly fuzz run -s none ioctl corpus/ioctl regressions -- -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=4096 2>&1 | grep -E "^#[0-9]+ *DONE|panicked|ERROR|SUMMARY"; exit "${PIPESTATUS[0]}")
}
step "fuzz (${FUZZ_SECONDS:-60} s)" fuzz

UNIX=
step "build unix firmware" eval 'UNIX=$(tools/build-firmware.sh unix)'
unix_tests() {  # on fresh flash files, one test at a time (they share them)
    local files rc
    files=$(mktemp -d)
    (export MICROPY_ROMFS_DIR=$files MICROPY_MICROPYTHON=$UNIX
     run_tests "$CACHE/results/unix" "$ROOT"/tests/firmware/*.py "$ROOT"/tests/testboard/*.py -- -j 1)
    rc=$?
    rm -rf "$files"
    return $rc
}
[ -n "$UNIX" ] && step "firmware tests on unix" unix_tests
[ -n "$UNIX" ] && step "power cuts in the unix firmware" "$PYTHON" tests/powercut/unix_powercut.py "$UNIX"

# The qemu test board, then every port's emulation boards.
BOARDS=(qemu qemu:ports/qemu/ROMFS_BLOCKDEV)
for mk in ports/*/qemu/*/mpconfigboard.mk; do
    [ -f "$mk" ] && BOARDS+=("qemu:$(dirname "$mk")")
done
for board in "${BOARDS[@]}"; do
    elf=
    step "build $board" eval 'elf=$(tools/build-firmware.sh "$board")'
    [ -n "$elf" ] || continue
    dir=${board#qemu:}
    tests=("$ROOT"/tests/firmware/*.py)
    [ "$board" = qemu ] && tests+=("$ROOT"/tests/testboard/*.py)
    # The test board with the block view from rom_ioctl(2): its mpremote
    # deploys (the block path) are what it adds.
    block_view=()
    [ "$dir" = ports/qemu/ROMFS_BLOCKDEV ] && tests=("$ROOT"/tests/firmware/blockdev_conformance.py) block_view=(--block-view)
    port_tests=$ROOT/tests/ports/$(basename "$(dirname "$(dirname "$dir")")")/$(basename "$dir")
    [ "$board" != qemu ] && [ -d "$port_tests" ] && tests+=("$port_tests"/*.py)
    step "firmware tests on $board" run_tests "$CACHE/results/${board//[:\/]/-}" "${tests[@]}" \
        -- -t "execpty:qemu-system-arm -machine mps2-an385 -nographic -monitor null -semihosting -serial pty -kernel $elf"
    step "mpremote deploys to $board" "$PYTHON" tests/mpremote/deploy_test.py --kernel "$elf" \
        --mpremote "1.29.0=$MPREMOTE_1_29" --mpremote "1.26.1=$MPREMOTE_1_26" "${block_view[@]}"
done

step "mp-romfs: pytest and deploys to every qemu board" tests/host/run.sh

step "memory checks of the C ABI edge" tools/memcheck.sh
step "size report" tools/size-report.sh

printf '\n'
if [ ${#failed[@]} -eq 0 ]; then
    echo "ALL TESTS PASSED"
else
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
