#!/usr/bin/env bash
# Demo: two chapd processes on a pty pair authenticate each other both ways with the
# shipped etc/ppp samples (peers/two-way-server and peers/two-way-alice), bring IPCP up,
# and end politely after a few seconds. Prints both sides' pppd-style logs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product chapd >/dev/null
chapd="$PWD/.build/debug/chapd"

# A private copy of the samples: chap-secrets must be mode 0600 (git cannot store that).
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp -r etc/ppp/. "$dir/"
chmod 600 "$dir/chap-secrets"

# The server side runs the client on a new pty (pppd's `pty` option); the client talks PPP
# over its standard input/output (`notty`) and logs to standard error.
log="$dir/demo.log"
client="exec 3>&1; '$chapd' optionsdir '$dir' call two-way-alice notty debug logfd 2 2>&1 1>&3 3>&- | sed -u 's/^/alice  | /' | tee -a '$log' 1>&2"
set +e
timeout --signal=TERM 6 "$chapd" optionsdir "$dir" call two-way-server debug logfd 1 pty "$client" \
    | sed -u 's/^/server | /' | tee -a "$log"
set -e

echo
if grep -q "server | Peer alice authenticated with CHAP" "$log" \
   && grep -q "alice  | Peer server authenticated with CHAP" "$log" \
   && grep -q "remote IP address" "$log"; then
    echo "demo: both sides authenticated each other with CHAP and IPCP came up."
else
    echo "demo: the exchange did not complete; see the log above." >&2
    exit 1
fi
