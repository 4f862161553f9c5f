#!/usr/bin/env bash
# Runs every test, each step in turn, and exits 1 if any failed.
#
#   1. Rust host tests: geometry tables, engine plans, property tests, the
#      C-ABI check, and the generated interface files against a fresh
#      generation (cargo test --workspace).
#   2. The unix and qemu test firmwares, built with this module.
#   3. tests/firmware/*.py with MicroPython's run-tests.py, on both.
#   4. mpremote 1.29.0 and 1.26.1 deploying to both segments of the qemu
#      firmware (tests/mpremote/deploy_test.py).
#   5. Size report of the module for each Cortex-M target (figures only).
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

run_tests() {  # run-tests.py on a target; args: result-dir, target args...
    local results=$1
    shift
    (cd "$MICROPY_DIR/tests" && "$PYTHON" ./run-tests.py --result-dir "$results" "$@" "$ROOT"/tests/firmware/*.py)
}

step "Rust host tests" cargo test --workspace --locked --quiet

UNIX= QEMU=
step "build unix firmware" eval 'UNIX=$(tools/build-firmware.sh unix)'
step "build qemu firmware" eval 'QEMU=$(tools/build-firmware.sh qemu)'

unix_tests() {  # on fresh flash files, one test at a time (they share them)
    local files rc
    files=$(mktemp -d)
    (export MICROPY_ROMFS_DIR=$files MICROPY_MICROPYTHON=$UNIX; run_tests "$CACHE/results/unix" -j 1)
    rc=$?
    rm -rf "$files"
    return $rc
}

[ -n "$UNIX" ] && step "firmware tests on unix" unix_tests
if [ -n "$QEMU" ]; then
    step "firmware tests on qemu" run_tests "$CACHE/results/qemu" \
        -t "execpty:qemu-system-arm -machine mps2-an385 -nographic -monitor null -semihosting -serial pty -kernel $QEMU"
    step "mpremote deploys to the qemu firmware" "$PYTHON" tests/mpremote/deploy_test.py --kernel "$QEMU" \
        --mpremote "1.29.0=$MPREMOTE_1_29" --mpremote "1.26.1=$MPREMOTE_1_26"
fi

step "size report" tools/size-report.sh

printf '\n'
if [ ${#failed[@]} -eq 0 ]; then
    echo "ALL TESTS PASSED"
else
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
