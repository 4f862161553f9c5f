#!/usr/bin/env bash
# Memory safety of the C ABI edge, three ways; prints what ran and what it
# found, exits 1 if anything was reported.
#   1. ffi-check (the C harness in tests/c driving the core's C ABI, with
#      exact-size buffers) under AddressSanitizer: C with -fsanitize=address,
#      Rust with -Zsanitizer=address (nightly).
#   2. The same test binary, uninstrumented, under valgrind memcheck.
#   3. The unix firmware with its C side (MicroPython, the shim, the glue)
#      built with -fsanitize=address,undefined, running tests/firmware.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
cd "$ROOT"
status=0
host=$(rustc -vV | sed -n 's/^host: //p')

echo "--- ffi-check under AddressSanitizer"
if ROMFS_SANITIZE=address RUSTFLAGS="-Zsanitizer=address" cargo +nightly test -q -p ffi-check --locked \
        --target "$host" --target-dir target/asan 2>&1 | grep -E "ffi_harness|ERROR|SUMMARY|test result"; then :; fi
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "--- ffi-check under valgrind"
bin=$(cargo test -q -p ffi-check --locked --no-run --message-format=json 2>/dev/null \
      | python3 -c 'import json,sys; print([m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable")][-1])')
# Definite leaks and every error count; "possibly lost" blocks are the test
# harness's own thread bookkeeping.
valgrind --error-exitcode=1 --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite \
    "$bin" --quiet --test-threads=1 2>&1 | grep -E "ffi_harness|ERROR SUMMARY|definitely lost|Invalid|uninitialised"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "--- unix firmware with -fsanitize=address,undefined: tests/firmware"
if exe=$(ROMFS_BUILD=$CACHE/build/unix-sanitize tools/build-firmware.sh unix \
        CFLAGS_EXTRA="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
        LDFLAGS_EXTRA="-fsanitize=address,undefined"); then
    files=$(mktemp -d)
    (cd "$MICROPY_DIR/tests" && MICROPY_ROMFS_DIR=$files MICROPY_MICROPYTHON=$exe \
        ASAN_OPTIONS=detect_leaks=0 "$PYTHON" ./run-tests.py -j 1 --result-dir "$CACHE/results/sanitize" "$ROOT"/tests/firmware/*.py | tail -3)
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    rm -rf "$files"
else
    status=1
fi
[ $status -eq 0 ] && echo "memcheck: nothing reported" || echo "memcheck: FAILED"
exit $status
