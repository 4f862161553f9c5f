#!/usr/bin/env bash
# The demo: build the qemu firmware with this module, boot it, deploy
# examples/ with mpremote 1.29.0, run a program from /rom (tools/demo.py).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/setup.sh"
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
echo "[demo] building the qemu firmware (MicroPython $MICROPY_DIR + this module)"
QEMU=$("$ROOT/tools/build-firmware.sh" qemu)
exec "$PYTHON" "$ROOT/tools/demo.py" "$QEMU" "$MPREMOTE_1_29"
