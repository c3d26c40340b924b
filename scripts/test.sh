#!/usr/bin/env bash
# The whole test suite: unit and integration tests (swift test), then interop with real pppd.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
swift build
swift test 2>&1 | tee .build/swift-test.log | grep -vE '^(\[[0-9]+/[0-9]+\]|Compiling|Emitting|Write|Linking)'
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || { echo "swift test failed ($status)"; exit "$status"; }
bash scripts/fuzz.sh --replay
bash Tests/Interop/run-all.sh --chapd .build/debug/chapd
