#!/usr/bin/env bash
# chapd serve's memory per link with the data plane on: LINKS links (default 1000), each with
# its own TUN interface, held HOLD seconds (default 60) with LCP echoes, all inside a network
# namespace this script creates and deletes (the interfaces never touch the machine's own
# network). Needs root and /dev/net/tun; release binaries (swift build -c release).
#   bash Benchmarks/server/tun-hold.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHAPD=${CHAPD:-$ROOT/.build/release/chapd}
BENCH=${BENCH:-$ROOT/.build/release/chapd-bench}
LINKS=${LINKS:-1000}
HOLD=${HOLD:-60}
NS=chapd-tunbench-$$
WORK=$(mktemp -d /tmp/chapd-tun-bench.XXXXXX)
cleanup() {
    [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null && sleep 3
    ip netns delete "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
[[ $(id -u) == 0 ]] || { echo "tun-hold.sh needs root (TUN interfaces in a namespace)"; exit 1; }
ip netns add "$NS"
ip -n "$NS" link set lo up
mkdir -p "$WORK/ppp"
printf 'loaduser * loadpw *\n' > "$WORK/ppp/chap-secrets"
chmod 600 "$WORK/ppp/chap-secrets"
ip netns exec "$NS" "$CHAPD" serve listen tcp:127.0.0.1:24470 control-socket "$WORK/control" remote-pool 10.64.0.0/16 \
    max-links $((LINKS + 100)) auth require-chap name loadserver lcp-echo-interval 30 lcp-echo-failure 4 \
    optionsdir "$WORK/ppp" 10.0.0.1: logfile "$WORK/server.log" &
SERVER_PID=$!
sleep 1
ip netns exec "$NS" "$BENCH" load hold --connect tcp:127.0.0.1:24470 --links "$LINKS" --hold "$HOLD" \
    --user loaduser --password loadpw --pid "$SERVER_PID" | tail -12
echo "interfaces while held were chapd0..chapd$((LINKS - 1)); now: $(ip -n "$NS" -o link show | grep -c chapd || true) left"
