#!/usr/bin/env bash
# Runs every test, each step in turn, and exits 1 if any failed.
#
#   1. Rust host tests: geometry tables, engine plans, property tests
#      against the reference model, power loss at every flash operation,
#      interrupts at every poll, the C harness (the real shim), and the
#      generated interface files against a fresh generation (cargo test
#      --workspace); the simulator crate's tests again with each port's
#      feature set; then time-boxed fuzz passes (fuzz/, FUZZ_SECONDS).
#   1b. Lint (before the fuzz passes): rustfmt and clippy (-D warnings) on
#      the host workspace, fuzz/ and each port's feature set, clippy on the
#      core for each port's Cortex-M target; the C formatted as MicroPython's
#      tools/codeformat.py formats it (uncrustify with its config).
#   2. The unix test firmware, also built into a folder holding a stock
#      build of it (tests/build/stock_folder.sh), and every qemu board: the test board
#      (ports/qemu/ROMFS_AN385), the same with the block view as
#      rom_ioctl(2)'s result (ports/qemu/ROMFS_BLOCKDEV) and each port's
#      emulation boards (ports/<port>/qemu/<BOARD>), built with this module.
#   3. With MicroPython's run-tests.py: tests/firmware/*.py on every
#      firmware, tests/testboard/*.py on the two test-board firmwares, and
#      tests/ports/<port>/<BOARD>/*.py on that board.
#   4. mpremote 1.29.0 and 1.26.1 deploying to every segment of every qemu
#      board (tests/mpremote/deploy_test.py); the unix firmware killed at
#      every flash operation of a deploy (tests/unix/unix_powercut.py) and
#      interrupted by SIGINT in a deploy (tests/unix/unix_sigint.py);
#      mpremote killed mid-deploy on the board with real flash timings, then
#      a lone op 5 and a new deploy (tests/mpremote/abort_test.py).
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

# The core's features of each port (rust/core/features.mk).
features() { sed -n "s/^ROMFS_FEATURES_$1 = *//p" rust/core/features.mk; }
# The block view is part of every port's build but SAMD21's (micropython.mk).
blockdev() { [ "$1" = samd21 ] || echo blockdev; }

step "Rust host tests (all features)" cargo test --workspace --locked --quiet
# The host tests, the property test, the power-loss cuts and the interrupt
# test again with each feature set a port ships.
for set in samd21 samd51 stm32 alif; do
    step "Rust host tests ($set: $(features $set) $(blockdev $set))" \
        cargo test --locked --quiet -p mp-romfs-sim --no-default-features --features "std ffi $(features $set) $(blockdev $set)"
done
step "bench builds (samd21 set)" cargo check --locked --quiet -p bench --no-default-features --features "$(features samd21)"

# The Cortex-M target each port's core is built for (tools/size_report.py).
rust_target() { case $1 in samd21) echo thumbv6m-none-eabi ;; alif) echo thumbv8m.main-none-eabihf ;; *) echo thumbv7em-none-eabihf ;; esac; }
# The C files of the project, but the one cbindgen generates (checked against
# a fresh generation instead).
c_files() { git ls-files 'c_glue/*.[ch]' 'ports/*.[ch]' 'tests/*.[ch]' ':!c_glue/mp_romfs.h'; }
lint() {
    local rc=0 c_rc=0 set target build_std tmp f
    local files=()
    mapfile -t files < <(c_files)
    cargo fmt --all -- --check || { echo "lint: cargo fmt"; rc=1; }
    (cd fuzz && cargo fmt -- --check) || { echo "lint: cargo fmt (fuzz/)"; rc=1; }
    cargo clippy -q --workspace --all-targets --locked -- -D warnings || { echo "lint: clippy (host)"; rc=1; }
    for set in samd21 samd51 stm32 alif; do
        cargo clippy -q --locked -p mp-romfs-sim --all-targets --no-default-features \
            --features "std ffi $(features $set) $(blockdev $set)" -- -D warnings || { echo "lint: clippy (host, $set)"; rc=1; }
        # The core as a port builds it (tools/romfs-rust-build): Debian's
        # toolchain, core from source when the target is not installed.
        target=$(rust_target $set) build_std=
        [ -d "$("$DEB_RUSTC" --print sysroot)/lib/rustlib/$target/lib" ] || build_std=-Zbuild-std=core
        env ${build_std:+RUSTC_BOOTSTRAP=1} RUSTC="$DEB_RUSTC" CARGO="$DEB_CARGO" "$DEB_CARGO_CLIPPY" clippy -q --locked \
            -p mp-romfs --target "$target" --target-dir "$CACHE/cargo-clippy" $build_std \
            --no-default-features --features "$(features $set) $(blockdev $set)" -- -D warnings \
            || { echo "lint: clippy ($set, $target)"; rc=1; }
    done
    # MicroPython's tools/codeformat.py formats in place: on a copy.
    tmp=$(mktemp -d)
    printf '%s\0' "${files[@]}" | tar -c --null -T - | tar -x -C "$tmp"
    if (cd "$tmp" && python3 "$MICROPY_DIR/tools/codeformat.py" -c "${files[@]}"); then
        for f in "${files[@]}"; do
            diff -u "$f" "$tmp/$f" || c_rc=1
        done
        [ $c_rc -eq 0 ] || { echo "lint: C format (the diff is what $MICROPY_DIR/tools/codeformat.py -c would change)"; rc=1; }
    else
        echo "lint: codeformat.py failed"; rc=1
    fi
    rm -rf "$tmp"
    return $rc
}
step "lint (rustfmt, clippy, C format)" lint

# Time-boxed fuzz passes (README: how to run a long one), with all features
# and with the SAMD21 set.  No sanitizer: the harness is safe Rust, and this
# keeps it at over a hundred runs a second.  Prints executions and coverage.
fuzz() {
    (cd fuzz && mkdir -p "corpus/ioctl-$1" && cargo +nightly fuzz run -s none "${@:2}" ioctl "corpus/ioctl-$1" -- \
        -max_total_time="${FUZZ_SECONDS:-45}" -rss_limit_mb=4096 2>&1 | grep -E "^#[0-9]+[[:space:]]+DONE|panicked|ERROR|SUMMARY"; exit "${PIPESTATUS[0]}")
}
step "fuzz, all features (${FUZZ_SECONDS:-45} s)" fuzz all
step "fuzz, samd21 set (${FUZZ_SECONDS:-45} s)" fuzz samd21 --no-default-features --features "$(features samd21)"

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
[ -n "$UNIX" ] && step "power cuts in the unix firmware" "$PYTHON" tests/unix/unix_powercut.py "$UNIX"
step "the module added to a stock build folder (unix)" tests/build/stock_folder.sh
[ -n "$UNIX" ] && step "SIGINT (Ctrl-C) in the unix firmware" "$PYTHON" tests/unix/unix_sigint.py "$UNIX"

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

# Deploys the real client abandons (killed mid-deploy, then a lone op 5,
# with and without a soft reset), on the board with real flash timings.
elf=
step "build qemu:ports/qemu/ROMFS_REALTIME" eval 'elf=$(tools/build-firmware.sh qemu:ports/qemu/ROMFS_REALTIME)'
[ -n "$elf" ] && step "mpremote killed mid-deploy on qemu:ports/qemu/ROMFS_REALTIME" "$PYTHON" tests/mpremote/abort_test.py \
    --kernel "$elf" --mpremote "1.26.1=$MPREMOTE_1_26" --mpremote "1.29.0=$MPREMOTE_1_29"

step "mp-romfs: pytest and deploys to every qemu board" tests/host/run.sh

step "memory checks of the C ABI edge" tools/memcheck.sh
# The report's budget verdict (exit 2: the SAMD21 build over its budget) is
# a figure, not a test result: it is printed, and repeated at the end.
over_budget=
size_report() {
    tools/size-report.sh
    case $? in 0) ;; 2) over_budget=1 ;; *) return 1 ;; esac
}
step "size report" size_report

printf '\n'
[ -n "$over_budget" ] && echo "size report: the SAMD21 build is over its budget (figures above)"
if [ ${#failed[@]} -eq 0 ]; then
    echo "ALL TESTS PASSED"
else
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
