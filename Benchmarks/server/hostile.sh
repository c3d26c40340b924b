#!/usr/bin/env bash
# Does one hostile link slow everybody else down? (issue 12) chapd serve on TCP loopback; the
# load generator (`chapd-bench load handshakes`, real peers: LCP, CHAP-MD5, IPCP) runs the
# same batch of handshakes four times, side by side in one run:
#   quiet     nothing else on the server
#   garbage   one other link floods random octets (bad-FCS frames) as fast as loopback takes them
#   confreq   one other link floods valid LCP Configure-Requests and never reads the answers
#   quiet     again, to show the run-to-run noise
# and prints time to network (p50/p99), handshakes/s and the server's CPU per handshake for
# each, with each flood's ratio to the mean of the two quiet runs.
#
#   bash Benchmarks/server/hostile.sh            # 3000 handshakes a phase at concurrency 50
#   QUICK=1 bash Benchmarks/server/hostile.sh    # 500 a phase
# FLOODS="confreq garbage" changes the order of the flooded phases (to tell position from flood);
# SKIP_BUILD=1 uses the existing release binaries; LINK_INPUT_LIMIT sets the server's
# link-input-limit (default: chapd's own, 64 MiB/s); KEEP_WORK=1 keeps logs and JSON.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
if [[ "${QUICK:-0}" == 1 ]]; then HANDSHAKES=${HANDSHAKES:-500}; else HANDSHAKES=${HANDSHAKES:-3000}; fi
CONCURRENCY=${CONCURRENCY:-50}
PORT=${PORT:-24471}
CHAPD=${CHAPD:-$ROOT/.build/release/chapd}
BENCH=${BENCH:-$ROOT/.build/release/chapd-bench}
CHAPCTL=${CHAPCTL:-$ROOT/.build/release/chapctl}
PEER=loaduser
PEER_SECRET=loadpw

say() { printf '%s\n' "$*"; }
jget() {
    python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v.get(k) if isinstance(v,dict) else None
print("" if v is None else v)' "$1" "$2"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    say "building release chapd and chapd-bench ..."
    swift build -c release --product chapd >/dev/null
    swift build -c release --product chapd-bench >/dev/null
    swift build -c release --product chapctl >/dev/null
fi
[[ -x "$CHAPD" && -x "$BENCH" && -x "$CHAPCTL" ]] || { say "missing $CHAPD, $BENCH or $CHAPCTL"; exit 1; }

WORK=$(mktemp -d /tmp/chapd-hostile-bench.XXXXXX)
STARTED=()
cleanup() {
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then say "logs and JSON kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

mkdir -p "$WORK/ppp"
printf '%s * %s *\n' "$PEER" "$PEER_SECRET" > "$WORK/ppp/chap-secrets"
chmod 600 "$WORK/ppp/chap-secrets"
: > "$WORK/ppp/options"
limit=()
[[ -n "${LINK_INPUT_LIMIT:-}" ]] && limit=(link-input-limit "$LINK_INPUT_LIMIT")
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

"$CHAPD" serve listen tcp:127.0.0.1:"$PORT" optionsdir "$WORK/ppp" chap-secrets "$WORK/ppp/chap-secrets" \
    control-socket "$WORK/control" name loadserver auth require-chap remote-pool 10.64.0.0/16 10.0.0.1: \
    nodataplane logfd 2 "${limit[@]}" 2> "$WORK/server.log" &
SERVER=$!
STARTED+=("$SERVER")
for _ in $(seq 100); do grep -q serving "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q serving "$WORK/server.log" || { say "chapd serve did not start:"; cat "$WORK/server.log"; exit 1; }
say "chapd serve pid $SERVER on 127.0.0.1:$PORT${limit:+ (link-input-limit ${LINK_INPUT_LIMIT})}; $(nproc) cores; $HANDSHAKES handshakes a phase at concurrency $CONCURRENCY"

declare -A P50 P99 RATE CPU
phase() { # NAME [FLOOD_KIND]
    local name=$1 kind=${2:-} flood=""
    if [[ -n "$kind" ]]; then
        python3 "$ROOT/Benchmarks/server/hostile_peer.py" "$kind" 127.0.0.1 "$PORT" > "$WORK/$name.flood" 2>&1 &
        flood=$!
        STARTED+=("$flood")
        sleep 2   # the flood is in full swing before the first handshake
    fi
    "$BENCH" load handshakes --connect tcp:127.0.0.1:"$PORT" --user "$PEER" --password "$PEER_SECRET" \
        --total "$HANDSHAKES" --concurrency "$CONCURRENCY" --pid "$SERVER" --json \
        > "$WORK/$name.json" 2> "$WORK/$name.log" || { say "generator failed:"; cat "$WORK/$name.log"; exit 1; }
    if [[ -n "$flood" ]]; then kill "$flood"; wait "$flood" 2>/dev/null || true; fi
    P50[$name]=$(jget "$WORK/$name.json" time_to_network_ms.p50)
    P99[$name]=$(jget "$WORK/$name.json" time_to_network_ms.p99)
    RATE[$name]=$(jget "$WORK/$name.json" handshakes_per_second)
    CPU[$name]=$(jget "$WORK/$name.json" server_cpu_ms_per_handshake)
    local failed; failed=$(jget "$WORK/$name.json" failed)
    printf '  %-9s p50 %7.1f ms  p99 %7.1f ms  %7.1f handshakes/s  server CPU %.2f ms/handshake  failed %s%s\n' \
        "$name" "${P50[$name]}" "${P99[$name]}" "${RATE[$name]}" "${CPU[$name]}" "$failed" \
        "${flood:+  ($(cat "$WORK/$name.flood"))}"
}

phase quiet1
for kind in ${FLOODS:-garbage confreq}; do phase "$kind" "$kind"; done
phase quiet2

base_p50=$(awk -v a="${P50[quiet1]}" -v b="${P50[quiet2]}" 'BEGIN { print (a + b) / 2 }')
base_p99=$(awk -v a="${P99[quiet1]}" -v b="${P99[quiet2]}" 'BEGIN { print (a + b) / 2 }')
base_rate=$(awk -v a="${RATE[quiet1]}" -v b="${RATE[quiet2]}" 'BEGIN { print (a + b) / 2 }')
say ""
say "noise between the two quiet runs: p50 $(ratio "${P50[quiet2]}" "${P50[quiet1]}")x, p99 $(ratio "${P99[quiet2]}" "${P99[quiet1]}")x, rate $(ratio "${RATE[quiet2]}" "${RATE[quiet1]}")x"
for name in garbage confreq; do
    say "$name flood vs quiet mean: p50 $(ratio "${P50[$name]}" "$base_p50")x, p99 $(ratio "${P99[$name]}" "$base_p99")x, rate $(ratio "${RATE[$name]}" "$base_rate")x"
done
say ""
say "server's view (chapctl show stat):"
"$CHAPCTL" show stat --socket "$WORK/control" 2>&1 | sed 's/^/  /' || true
kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true
