#!/bin/bash
# Runs the real-pppd interop scenarios: one line per scenario (PASS name / FAIL name: why, with
# both logs on failure), then "N passed, M failed"; exits non-zero on any failure.
# Usage: Tests/Interop/run-all.sh [--chapd PATH] [--selftest] [--only NAME]... [-v]
# Default chapd: .build/debug/chapd. Artefacts and per-run logs: .build/interop/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh"
"$here/build-initramfs.sh"
exec python3 "$here/interop.py" run "$@"
