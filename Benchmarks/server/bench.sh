#!/usr/bin/env bash
# chapd serve against the set-up people use today (socat forking one single-link chapd per
# TCP connection), measured side by side in one run on this machine with the same load
# generator (`chapd-bench load`, real PPP peers: LCP, CHAP-MD5, IPCP) over TCP loopback.
#
#   bash Benchmarks/server/bench.sh            # full run (several minutes)
#   QUICK=1 bash Benchmarks/server/bench.sh    # small counts, a minute or two
#
# Figures: handshakes/s (connect to IPCP Opened, then Terminate) and time to network; the
# server's CPU per handshake (/proc/PID/stat, reaped children included, so socat's forked
# chapds count); the generator's own CPU; memory per held link (chapd serve: VmRSS growth
# over idle / links; baseline: VmRSS and Pss summed over the chapd processes / links, Pss
# being the fair one, as every chapd maps the same Swift runtime); a no-leak check of the
# server's VmRSS after LEAK_FIRST vs LEAK_TOTAL handshakes since it started.
# The generator shares the machine's cores with the server under test, so only figures from
# one run compare; CPU per handshake is the one least disturbed by that.
# Counts: the variables below (QUICK=1 picks small defaults). SKIP_BUILD=1 uses the existing
# release binaries; SKIP_BASELINE=1 / SKIP_SERVER=1 / SKIP_CEILING=1 skip a part; KEEP_WORK=1
# keeps the logs and JSON. The ceiling part runs the generator against its own in-process
# responder (`chapd-bench load respond`): the most it can drive here, so a server figure
# close to it measures the generator and the machine, not the server.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

if [[ "${QUICK:-0}" == 1 ]]; then
    defaults=(2000 100 1000 10 1000 5000 300 20 50 5 5000)
else
    defaults=(50000 200 10000 60 10000 200000 2000 50 200 20 20000)
fi
SERVER_HANDSHAKES=${SERVER_HANDSHAKES:-${defaults[0]}}
SERVER_CONCURRENCY=${SERVER_CONCURRENCY:-${defaults[1]}}
HOLD_LINKS=${HOLD_LINKS:-${defaults[2]}}
HOLD_SECONDS=${HOLD_SECONDS:-${defaults[3]}}
LEAK_FIRST=${LEAK_FIRST:-${defaults[4]}}
LEAK_TOTAL=${LEAK_TOTAL:-${defaults[5]}}
BASE_HANDSHAKES=${BASE_HANDSHAKES:-${defaults[6]}}
BASE_CONCURRENCY=${BASE_CONCURRENCY:-${defaults[7]}}
BASE_HOLD_LINKS=${BASE_HOLD_LINKS:-${defaults[8]}}
BASE_HOLD_SECONDS=${BASE_HOLD_SECONDS:-${defaults[9]}}
CEILING_HANDSHAKES=${CEILING_HANDSHAKES:-${defaults[10]}}
THREADS=${THREADS:-1}
SERVER_PORT=${SERVER_PORT:-24461}
BASE_PORT=${BASE_PORT:-24462}
CEILING_PORT=${CEILING_PORT:-24463}
ECHO_INTERVAL=${ECHO_INTERVAL:-30}
ECHO_FAILURE=${ECHO_FAILURE:-4}
PEER=loaduser
PEER_SECRET=loadpw
SERVER_NAME=loadserver

CHAPD=${CHAPD:-$ROOT/.build/release/chapd}
BENCH=${BENCH:-$ROOT/.build/release/chapd-bench}

say() { printf '%s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# One field of a JSON object (jq when present, else python3).
jget() {
    if have jq; then
        jq -r "$2 // empty" "$1"
    else
        python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].lstrip(".").split("."): v=v.get(k) if isinstance(v,dict) else None
print("" if v is None else v)' "$1" "$2"
    fi
}
# Arithmetic on decimals: calc 'x1/x2' A B; prints "n/a" when an operand is missing or zero divides.
calc() {
    local expr=$1 args=() i=1 v; shift
    for v in "$@"; do
        [[ -n "$v" && "$v" != n/a ]] || { echo n/a; return; }
        args+=(-v "x$i=$v"); i=$((i + 1))
    done
    awk "${args[@]}" "BEGIN { printf \"%.${DIGITS:-2}f\", $expr }" 2>/dev/null || echo n/a
}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    say "building release chapd and chapd-bench ..."
    swift build -c release --product chapd >/dev/null
    swift build -c release --product chapd-bench >/dev/null
fi
[[ -x "$CHAPD" && -x "$BENCH" ]] || { say "missing $CHAPD or $BENCH"; exit 1; }

WORK=$(mktemp -d /tmp/chapd-server-bench.XXXXXX)
STARTED=()
cleanup() {
    # Only the processes this script started, by pid (socat's per-connection children die with it).
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then say "logs and JSON kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

OPTS=$WORK/ppp
mkdir -p "$OPTS"
printf '# client server secret addresses\n%s * %s *\n' "$PEER" "$PEER_SECRET" > "$OPTS/chap-secrets"
chmod 600 "$OPTS/chap-secrets"
: > "$OPTS/options"
# socat splits EXEC's command at every ':', so the baseline's LOCAL:REMOTE comes from a file.
echo "10.0.0.1:10.64.0.2" > "$OPTS/baseline-addresses"

# The sockets: every held link is one descriptor here, one in the generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
say "open-file limit $(ulimit -n); $(nproc) cores; generator threads $THREADS; counts: server ${SERVER_HANDSHAKES} handshakes at ${SERVER_CONCURRENCY}, hold ${HOLD_LINKS} x ${HOLD_SECONDS} s, leak ${LEAK_FIRST} vs ${LEAK_TOTAL}; baseline ${BASE_HANDSHAKES} at ${BASE_CONCURRENCY}, hold ${BASE_HOLD_LINKS} x ${BASE_HOLD_SECONDS} s"

wait_port() { # PORT SECONDS PID: until something listens on 127.0.0.1:PORT (or PID dies)
    local deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        kill -0 "$3" 2>/dev/null || return 1
        # ss looks without connecting: a probe connection would be a link to the server.
        if have ss; then
            [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]] && return 0
        else
            (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        fi
        sleep 0.1
    done
    return 1
}

load() { # MODE OUTFILE ARGS...: the generator with --json; the summary goes to OUTFILE.log
    local mode=$1 out=$2; shift 2
    "$BENCH" load "$mode" --user "$PEER" --password "$PEER_SECRET" --threads "$THREADS" --json "$@" \
        > "$out" 2> "$out.log" || { say "generator failed:"; cat "$out.log"; return 1; }
    sed 's/^/    /' "$out.log" | grep -v '^    \(ramp\|hold\|handshakes\):' || true
}

# Hold mode in the background: returns once the generator reports all links up.
hold_start() { # OUTFILE ARGS...
    local out=$1; shift
    "$BENCH" load hold --user "$PEER" --password "$PEER_SECRET" --threads "$THREADS" --json "$@" \
        > "$out" 2> "$out.log" &
    HOLD_PID=$!
    while ! grep -q '^all up:' "$out.log" 2>/dev/null; do
        kill -0 "$HOLD_PID" 2>/dev/null || { say "generator ended early:"; cat "$out.log"; return 1; }
        sleep 0.2
    done
}

descendants() { # PID: every descendant's pid, from one process-table snapshot
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END { for (p in parent) { q = p; while ((q in parent) && q != root && q > 1) q = parent[q]; if (q == root && p != root) print p } }'
}

# KiB summed over the pids whose comm is NAME: /proc/PID/status VmRSS (shared library pages
# counted once per process) and smaps_rollup Pss (shared pages divided among their sharers).
sum_memory() { # NAME PIDS...: prints "COUNT RSS_KIB PSS_KIB"
    local name=$1 pid mine=(); shift
    for pid in "$@"; do
        [[ "$(cat /proc/"$pid"/comm 2>/dev/null)" == "$name" ]] && mine+=("$pid")
    done
    ((${#mine[@]} > 0)) || { echo "0 0 0"; return; }
    local rss pss
    rss=$(cd /proc && awk '/^VmRSS:/ { s += $2 } END { print s + 0 }' "${mine[@]/%//status}" 2>/dev/null)
    pss=$(cd /proc && awk '/^Pss:/ { s += $2 } END { print s + 0 }' "${mine[@]/%//smaps_rollup}" 2>/dev/null)
    echo "${#mine[@]} $rss $pss"
}

rss_of() { awk '/^VmRSS:/ { print $2 }' /proc/"$1"/status 2>/dev/null; }

# ---------------------------------------------------------------- (b) baseline: socat + chapd
BASE_HS=""; BASE_MIB_RSS=""; BASE_MIB_PSS=""; BASE_CPU_MS=""
if [[ "${SKIP_BASELINE:-0}" != 1 ]]; then
    if ! have socat && [[ $(id -u) == 0 ]] && have apt-get; then
        say "installing socat ..."
        apt-get install -y -o DPkg::Lock::Timeout=300 socat >/dev/null 2>&1 \
            || { apt-get update -o DPkg::Lock::Timeout=300 >/dev/null 2>&1 \
                 && apt-get install -y -o DPkg::Lock::Timeout=300 socat >/dev/null 2>&1; } || true
    fi
    if ! have socat; then
        say "baseline skipped: socat is not installed (apt-get install socat)"
    else
        say ""
        say "(b) baseline: socat TCP-LISTEN:$BASE_PORT,reuseaddr,fork EXEC:\"chapd notty ...\" (one chapd per connection)"
        # logfd 2: with notty, standard output is the line itself.
        BASE_CMD="$CHAPD notty auth require-chap name $SERVER_NAME nodataplane optionsdir $OPTS file $OPTS/baseline-addresses logfd 2"
        socat TCP-LISTEN:"$BASE_PORT",reuseaddr,fork,backlog=1024 EXEC:"$BASE_CMD" 2> "$WORK/baseline.log" &
        SOCAT_PID=$!
        STARTED+=("$SOCAT_PID")
        wait_port "$BASE_PORT" 10 "$SOCAT_PID" || { say "socat did not start"; cat "$WORK/baseline.log"; exit 1; }

        say "  handshakes: $BASE_HANDSHAKES at concurrency $BASE_CONCURRENCY"
        load handshakes "$WORK/base-hs.json" --connect tcp:127.0.0.1:"$BASE_PORT" \
            --total "$BASE_HANDSHAKES" --concurrency "$BASE_CONCURRENCY" --pid "$SOCAT_PID"
        BASE_HS=$(jget "$WORK/base-hs.json" .handshakes_per_second)
        BASE_CPU_MS=$(jget "$WORK/base-hs.json" .server_cpu_ms_per_handshake)

        say "  hold: $BASE_HOLD_LINKS links for $BASE_HOLD_SECONDS s"
        hold_start "$WORK/base-hold.json" --connect tcp:127.0.0.1:"$BASE_PORT" \
            --links "$BASE_HOLD_LINKS" --hold "$BASE_HOLD_SECONDS" --ramp 50
        mapfile -t tree < <(descendants "$SOCAT_PID")
        read -r n_chapd rss_chapd pss_chapd < <(sum_memory chapd "${tree[@]}")
        read -r n_socat rss_socat pss_socat < <(sum_memory socat "${tree[@]}")
        kill -0 "$HOLD_PID" 2>/dev/null && ! grep -q '^hold against' "$WORK/base-hold.json.log" \
            || say "    warning: the hold ended while memory was being sampled; raise BASE_HOLD_SECONDS"
        wait "$HOLD_PID" || true
        sed 's/^/    /' "$WORK/base-hold.json.log" | grep -v '^    \(ramp\|hold\):' || true
        est=$(jget "$WORK/base-hold.json" .established)
        say "    while all up: $n_chapd chapd processes, VmRSS sum $((rss_chapd / 1024)) MiB, Pss sum $((pss_chapd / 1024)) MiB;" \
            "$n_socat socat relay processes, VmRSS sum $((rss_socat / 1024)) MiB, Pss sum $((pss_socat / 1024)) MiB"
        if ((n_chapd > 0)); then
            BASE_MIB_RSS=$(DIGITS=2 calc 'x1/x2/1024' "$rss_chapd" "$n_chapd")
            BASE_MIB_PSS=$(DIGITS=2 calc 'x1/x2/1024' "$pss_chapd" "$n_chapd")
            BASE_SOCAT_MIB_PSS=$(DIGITS=2 calc 'x1/x2/1024' "$pss_socat" "$n_chapd")
            say "    per link: chapd $BASE_MIB_RSS MiB VmRSS ($BASE_MIB_PSS MiB Pss), plus socat relay $BASE_SOCAT_MIB_PSS MiB Pss ($est links established)"
        fi
        kill "$SOCAT_PID" 2>/dev/null || true
        wait "$SOCAT_PID" 2>/dev/null || true
    fi
fi

# ---------------------------------------------------------------- (a) chapd serve
SERVER_HS=""; SERVER_KIB=""; SERVER_CPU_MS=""
if [[ "${SKIP_SERVER:-0}" != 1 ]]; then
    say ""
    say "(a) chapd serve listen tcp:127.0.0.1:$SERVER_PORT (one process, all links)"
    MAX_LINKS=$(( (HOLD_LINKS > SERVER_CONCURRENCY ? HOLD_LINKS : SERVER_CONCURRENCY) + 1000 ))
    "$CHAPD" serve nodataplane listen tcp:127.0.0.1:"$SERVER_PORT" control-socket "$WORK/control" \
        remote-pool 10.64.0.0/16 max-links "$MAX_LINKS" \
        auth require-chap name "$SERVER_NAME" lcp-echo-interval "$ECHO_INTERVAL" lcp-echo-failure "$ECHO_FAILURE" \
        optionsdir "$OPTS" 10.0.0.1: > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    if ! wait_port "$SERVER_PORT" 15 "$SERVER_PID"; then
        status=$(wait "$SERVER_PID" 2>/dev/null; echo $?)
        say "  chapd serve unavailable in this build (it exited with status $status or never listened); server figures skipped."
        say "  its output: $(head -3 "$WORK/server.log" | tr '\n' ' ')"
        SKIP_SERVER=1
    fi
fi
if [[ "${SKIP_SERVER:-0}" != 1 ]]; then
    rss_start=$(rss_of "$SERVER_PID")
    say "  server pid $SERVER_PID, VmRSS at start $rss_start KiB"

    # The handshake figure is taken in the middle of the no-leak check: the server's first
    # LEAK_FIRST handshakes, then the measured SERVER_HANDSHAKES, then the rest up to LEAK_TOTAL,
    # with VmRSS sampled after the first stage and after the last.
    say "  leak check, first stage: $LEAK_FIRST handshakes"
    load handshakes "$WORK/leak1.json" --connect tcp:127.0.0.1:"$SERVER_PORT" \
        --total "$LEAK_FIRST" --concurrency "$SERVER_CONCURRENCY" >/dev/null
    sleep 1
    rss_first=$(rss_of "$SERVER_PID")

    say "  handshakes: $SERVER_HANDSHAKES at concurrency $SERVER_CONCURRENCY"
    load handshakes "$WORK/server-hs.json" --connect tcp:127.0.0.1:"$SERVER_PORT" \
        --total "$SERVER_HANDSHAKES" --concurrency "$SERVER_CONCURRENCY" --pid "$SERVER_PID"
    SERVER_HS=$(jget "$WORK/server-hs.json" .handshakes_per_second)
    SERVER_CPU_MS=$(jget "$WORK/server-hs.json" .server_cpu_ms_per_handshake)

    rest=$((LEAK_TOTAL - LEAK_FIRST - SERVER_HANDSHAKES))
    if ((rest > 0)); then
        say "  leak check, last stage: $rest more handshakes"
        load handshakes "$WORK/leak2.json" --connect tcp:127.0.0.1:"$SERVER_PORT" \
            --total "$rest" --concurrency "$SERVER_CONCURRENCY" >/dev/null
    fi
    sleep 1
    rss_total=$(rss_of "$SERVER_PID")
    done_total=$((LEAK_FIRST + SERVER_HANDSHAKES + (rest > 0 ? rest : 0)))
    failed=0
    for f in "$WORK"/leak1.json "$WORK"/server-hs.json "$WORK"/leak2.json; do
        [[ -s "$f" ]] && failed=$((failed + $(jget "$f" .failed)))
    done
    say "    VmRSS at start $rss_start KiB; after $LEAK_FIRST handshakes $rss_first KiB; after $done_total: $rss_total KiB;" \
        "growth $((rss_total - rss_first)) KiB = $(DIGITS=1 calc 'x1*1024/x2' "$((rss_total - rss_first))" "$((done_total - LEAK_FIRST))") bytes per handshake ($failed failed)"

    say "  hold: $HOLD_LINKS links for $HOLD_SECONDS s"
    load hold "$WORK/server-hold.json" --connect tcp:127.0.0.1:"$SERVER_PORT" \
        --links "$HOLD_LINKS" --hold "$HOLD_SECONDS" --pid "$SERVER_PID"
    SERVER_KIB=$(jget "$WORK/server-hold.json" .server_kib_per_link)
fi

# ---------------------------------------------------------------- (c) the generator's ceiling
CEIL_HS=""; CEIL_CPU=""
if [[ "${SKIP_CEILING:-0}" != 1 ]]; then
    say ""
    say "(c) the generator's ceiling: chapd-bench load respond (in-process authenticator) on tcp:127.0.0.1:$CEILING_PORT"
    "$BENCH" load respond --listen tcp:127.0.0.1:"$CEILING_PORT" --user "$PEER" --password "$PEER_SECRET" \
        > "$WORK/respond.log" 2>&1 &
    RESPOND_PID=$!
    STARTED+=("$RESPOND_PID")
    wait_port "$CEILING_PORT" 10 "$RESPOND_PID" || { say "responder did not start"; cat "$WORK/respond.log"; exit 1; }
    say "  handshakes: $CEILING_HANDSHAKES at concurrency $SERVER_CONCURRENCY"
    load handshakes "$WORK/ceiling.json" --connect tcp:127.0.0.1:"$CEILING_PORT" \
        --total "$CEILING_HANDSHAKES" --concurrency "$SERVER_CONCURRENCY" --pid "$RESPOND_PID"
    CEIL_HS=$(jget "$WORK/ceiling.json" .handshakes_per_second)
    CEIL_CPU=$(jget "$WORK/ceiling.json" .cpu_percent_of_one_core)
    kill "$RESPOND_PID" 2>/dev/null || true
    wait "$RESPOND_PID" 2>/dev/null || true
fi

# ---------------------------------------------------------------- side by side
one() { DIGITS=${2:-1} calc 'x1' "$1"; }
ratio() { local r; r=$(DIGITS=$3 calc 'x1/x2' "$1" "$2"); [[ "$r" == n/a ]] && echo n/a || echo "${r}x"; }
say ""
say "summary (same machine, same generator, one run):"
say "  handshakes/s: chapd serve $(one "$SERVER_HS"), socat + chapd per connection $(one "$BASE_HS")," \
    "ratio $(ratio "$SERVER_HS" "$BASE_HS" 1)"
say "  server CPU per handshake (user+sys, forked children included): chapd serve $(one "$SERVER_CPU_MS" 3) ms," \
    "socat + chapd $(one "$BASE_CPU_MS" 3) ms, ratio $(ratio "$BASE_CPU_MS" "$SERVER_CPU_MS" 1)"
SERVER_MIB=$(DIGITS=3 calc 'x1/1024' "$SERVER_KIB")
say "  memory per held link: chapd serve $(one "$SERVER_KIB" 1) KiB = $SERVER_MIB MiB (VmRSS growth / links), socat baseline" \
    "${BASE_MIB_PSS:-n/a} MiB Pss (${BASE_MIB_RSS:-n/a} MiB VmRSS) per chapd, ratio $(ratio "$BASE_MIB_PSS" "$SERVER_MIB" 0) (Pss)"
say "  generator ceiling (against its in-process responder): $(one "$CEIL_HS") handshakes/s," \
    "generator at $(one "$CEIL_CPU") % of one core"
