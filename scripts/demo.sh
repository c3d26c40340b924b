#!/usr/bin/env bash
# Demo: two chapd processes on a pty pair authenticate each other both ways with the
# shipped etc/ppp samples (peers/two-way-server and peers/two-way-alice), bring IPCP up,
# and end politely after a few seconds. Prints both sides' pppd-style logs.
# As root (with /dev/net/tun), each end runs in a network namespace the demo makes and
# removes, with its TUN interface there, and a ping crosses the link; otherwise the link
# carries no IP (nodataplane) and the demo says why.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product chapd >/dev/null
chapd="$PWD/.build/debug/chapd"

# A private copy of the samples: chap-secrets must be mode 0600 (git cannot store that).
dir=$(mktemp -d)
ns_server="chapd-demo-server-$$"
ns_alice="chapd-demo-alice-$$"
dataplane=no
cleanup() {
    if [ "$dataplane" = yes ]; then
        ip netns delete "$ns_server" 2>/dev/null || true
        ip netns delete "$ns_alice" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
cp -r etc/ppp/. "$dir/"
chmod 600 "$dir/chap-secrets"

in_server=() in_alice=() extra=()
if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null && command -v ping >/dev/null; then
    dataplane=yes
    ip netns add "$ns_server"
    ip netns add "$ns_alice"
    in_server=(ip netns exec "$ns_server")
    in_alice="ip netns exec $ns_alice"
    echo "demo: each end in its own network namespace ($ns_server, $ns_alice) with its TUN interface"
else
    extra=(nodataplane)
    in_alice=""
    echo "demo: not root, or no /dev/net/tun, ip or ping: running with nodataplane (authentication and IPCP only)"
fi

# The server side runs the client on a new pty (pppd's `pty` option); the client talks PPP
# over its standard input/output (`notty`) and logs to standard error.
log="$dir/demo.log"
client="exec 3>&1; $in_alice '$chapd' optionsdir '$dir' call two-way-alice notty debug logfd 2 ${extra[*]:-} 2>&1 1>&3 3>&- | sed -u 's/^/alice  | /' | tee -a '$log' 1>&2"
set +e
timeout --signal=TERM 9 "${in_server[@]}" "$chapd" optionsdir "$dir" call two-way-server debug logfd 1 "${extra[@]}" pty "$client" \
    | sed -u 's/^/server | /' | tee -a "$log" &
if [ "$dataplane" = yes ]; then
    for _ in $(seq 50); do grep -q "server | Using interface" "$log" 2>/dev/null && break; sleep 0.1; done
    sleep 0.3
    echo "demo: ping from the server's namespace to alice across the link:"
    ip netns exec "$ns_server" ping -c 3 -i 0.3 10.0.0.2 | sed 's/^/ping   | /' | tee -a "$log"
fi
wait
set -e

echo
if grep -q "server | Peer alice authenticated with CHAP" "$log" \
   && grep -q "alice  | Peer server authenticated with CHAP" "$log" \
   && grep -q "remote IP address" "$log"; then
    echo "demo: both sides authenticated each other with CHAP and IPCP came up."
    if [ "$dataplane" = yes ]; then
        grep -q "ping   | 3 packets transmitted, 3 received, 0% packet loss" "$log" \
            || { echo "demo: the ping did not cross the link; see above." >&2; exit 1; }
        echo "demo: and IP crossed the link: 3 pings answered through the two TUN interfaces."
    fi
else
    echo "demo: the exchange did not complete; see the log above." >&2
    exit 1
fi
