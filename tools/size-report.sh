#!/usr/bin/env bash
# Prints the module's size per Cortex-M target (tools/size_report.py).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/.cache/env"
[ -f "$CACHE/build/qemu/genhdr/qstrdefs.generated.h" ] || "$ROOT/tools/build-firmware.sh" qemu >/dev/null
[ -f "$CACHE/build/qemu-ports-samd-qemu-SAMD21/genhdr/qstrdefs.generated.h" ] || "$ROOT/tools/build-firmware.sh" qemu:ports/samd/qemu/SAMD21 >/dev/null
exec python3 "$ROOT/tools/size_report.py" "$CACHE" "$MICROPY_DIR"
