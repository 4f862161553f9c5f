#!/usr/bin/env bash
# Performance, all tables in one run (issue: performance):
#   1. modelled device time of deploys: ours (mpremote 1.29.0 and 1.26.1
#      sequences), upstream's algorithm, the physical limit, and the longest
#      single call of each (bench/), plus a PNG chart;
#   2. the timeout for real: mpremote against the qemu board with real flash
#      waits, this module vs a model of upstream's algorithm;
#   3. wall time of a 1 MiB deploy on the emulated device (machine-dependent);
#   4. code size of the module per Cortex-M target.
# Outputs: .cache/bench/rows.csv, .cache/bench/deploy-times.png.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/setup.sh" >/dev/null
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
cd "$ROOT"
out=$CACHE/bench
mkdir -p "$out"
venv=$CACHE/venv-bench
if ! cmp -s tools/requirements-bench.txt "$venv/.installed" 2>/dev/null; then
    rm -rf "$venv" && python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r tools/requirements-bench.txt
    cp tools/requirements-bench.txt "$venv/.installed"
fi

echo "=== 1. Modelled deploy times (cargo run --release -p bench, per port)"
# Each chip with the core as its port builds it (rust/core/features.mk).
rm -f "$out/rows.csv"
for port in stm32 samd21 samd51 alif; do
    features=$(sed -n "s/^ROMFS_FEATURES_$port = *//p" rust/core/features.mk)
    cargo run -q --release --locked -p bench --no-default-features --features "$features" -- --port "$port" --csv "$out/rows.csv"
    echo
done
"$venv/bin/python" tools/bench_chart.py "$out/rows.csv" "$out/deploy-times.png"

echo; echo "=== 2. The 10 s timeout with real flash waits (qemu)"
ours=$(tools/build-firmware.sh qemu:ports/qemu/ROMFS_REALTIME)
upstream=$(tools/build-firmware.sh qemu:ports/qemu/ROMFS_REALTIME_UPSTREAM)
"$PYTHON" tools/bench_realtime.py "$ours" "$upstream" "$MPREMOTE_1_26" "$MPREMOTE_1_29"

echo; echo "=== 3. Wall time on the emulated device (machine-dependent)"
"$PYTHON" tools/bench_wall.py "$(tools/build-firmware.sh qemu)" "${WALL_RUNS:-3}"

echo; echo "=== 4. Code size"
tools/size-report.sh
echo
tools/firmware_size.sh
