#!/usr/bin/env bash
# libFuzzer campaigns over chapd's parsers and machines (issue 12). Targets: Tests/Fuzz.
#   scripts/fuzz.sh --list            names the targets
#   scripts/fuzz.sh NAME SECONDS      builds if needed, fuzzes NAME for SECONDS with its corpus
#                                     Tests/Fuzz/corpus/NAME (new inputs are added there);
#                                     exits non-zero on a crash, the reproducer (crash-*, leak-*,
#                                     timeout-*, oom-*) left in Tests/Fuzz/artifacts/NAME/
#   scripts/fuzz.sh --replay          builds every target and runs each committed corpus once
#                                     (-runs=0): fast, for the test run
#   scripts/fuzz.sh --merge NAME      minimises NAME's corpus in place (-merge=1)
#   scripts/fuzz.sh --seed            (re)writes the seed inputs from ../shared/vectors and etc/ppp,
#                                     and the RADIUS, control and iSCSI seeds seed.py builds
#   scripts/fuzz.sh --totals          executions per target in the ledger since its last crash
# Every campaign that ends appends a row to the ledger Tests/Fuzz/campaigns.tsv (date, commit,
# target, executions, seconds, cov, ft, result, sanitizers), so the totals hold across sessions.
# Prefer several runs of ten minutes or so to one long one: a libFuzzer process that has run for
# an hour here executes several times fewer inputs a second than a fresh one on the same corpus.
# Environment: FUZZ_ARGS adds libFuzzer flags (e.g. FUZZ_ARGS=-runs=10000000).
# FUZZ_SANITIZE=fuzzer builds without AddressSanitizer (into Tests/Fuzz/.build-fuzzer) for a
# campaign only: 2-3 times the inputs a second. Swift's own checks (bounds, overflow,
# unwrapping, exclusivity) still trap; what is lost is ASan's view of unsafe-pointer code. The
# fuzzed code has that in PPPFraming and PPPCapture (their targets stay on the default) and in
# three hasher calls in ChapSecrets. The ledger records the sanitizers of each campaign;
# --replay and --merge always use the default.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fuzz=Tests/Fuzz
targets=(FuzzHDLCDecoder FuzzPackets FuzzNegotiation FuzzCHAP FuzzLinkSession FuzzChapSecrets FuzzOptions FuzzCapture FuzzFramesText FuzzRADIUS FuzzControl FuzzISCSI)
sanitize=${FUZZ_SANITIZE:-fuzzer,address}
case "${1:-}" in --replay|--merge) sanitize=fuzzer,address ;; esac
case "$sanitize" in
fuzzer,address) scratch=$fuzz/.build ;;
fuzzer) scratch=$fuzz/.build-fuzzer ;;
*) echo "fuzz: FUZZ_SANITIZE is fuzzer,address (the default) or fuzzer, not '$sanitize'" >&2; exit 2 ;;
esac
bin=$scratch/release

build() {
    # -parse-as-library: no Swift `main`; each target's <Target>_main starts libFuzzer's driver.
    # t stays local: the caller's t names the target to run.
    local status=0 t
    swift build -c release --package-path "$fuzz" --scratch-path "$scratch" \
        -Xswiftc -sanitize="$sanitize" -Xswiftc -parse-as-library > "$fuzz/build.log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        grep -E 'error|warning: unre' "$fuzz/build.log" | head -40 >&2
        echo "fuzz: build failed ($status; log: $fuzz/build.log)" >&2
        exit 1
    fi
    for t in "${targets[@]}"; do
        [ -x "$bin/$t" ] || { echo "fuzz: $bin/$t was not built" >&2; exit 1; }
    done
}

# Appends one campaign to the ledger: TARGET LOG SECONDS STATUS.
ledger() {
    local runs cov
    runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$2" | grep -oE '[0-9]+$' || echo 0)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$2" | tail -1 | awk '{ print $2 "\t" $4 }')
    [ -s "$fuzz/campaigns.tsv" ] || printf 'date\tcommit\ttarget\texecutions\tseconds\tcov\tft\tresult\tsanitizers\n' > "$fuzz/campaigns.tsv"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$(git rev-parse --short HEAD 2>/dev/null || echo -)" \
        "$1" "${runs:-0}" "$3" "${cov:-0	0}" "$([ "$4" -eq 0 ] && echo ok || echo "crash($4)")" "$sanitize" >> "$fuzz/campaigns.tsv"
}

known() {
    local t
    for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done
    echo "fuzz: unknown target '$1' (scripts/fuzz.sh --list)" >&2
    exit 2
}

# Leaks are reported by ASan's leak checker at exit; the Swift runtime's own caches are not
# leaks of ours, so leak detection stays off (memory growth is bounded by -rss_limit_mb).
# malloc_context_size=0: no stack trace taken at every allocation, a third of a target's
# time; to see where a crash's memory came from, run its reproducer with
# ASAN_OPTIONS=malloc_context_size=30.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0:malloc_context_size=0}
# The Swift runtime's backtracer reads the stack in a way ASan reports; libFuzzer prints its own.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

case "${1:-}" in
--list)
    printf '%s\n' "${targets[@]}"
    ;;
--replay)
    build
    failed=0
    for t in "${targets[@]}"; do
        dir=$fuzz/corpus/$t
        mkdir -p "$dir"
        n=$(find "$dir" -type f | wc -l)
        if "$bin/$t" -runs=0 -rss_limit_mb=2048 "$dir" > "$fuzz/.build/replay-$t.log" 2>&1; then
            echo "fuzz replay: $t: $n inputs, no crash"
        else
            echo "fuzz replay: $t FAILED (log: $fuzz/.build/replay-$t.log)"
            tail -40 "$fuzz/.build/replay-$t.log"
            failed=1
        fi
    done
    exit $failed
    ;;
--merge)
    known "${2:?--merge NAME}"
    build
    t=$2
    tmp=$(mktemp -d)
    mv "$fuzz/corpus/$t" "$tmp/old"
    mkdir -p "$fuzz/corpus/$t"
    "$bin/$t" -merge=1 -rss_limit_mb=2048 "$fuzz/corpus/$t" "$tmp/old" > "$fuzz/.build/merge-$t.log" 2>&1 \
        || { echo "fuzz: merge failed, corpus kept in $tmp/old" >&2; tail -20 "$fuzz/.build/merge-$t.log"; exit 1; }
    rm -rf "$tmp"
    echo "fuzz merge: $t: $(find "$fuzz/corpus/$t" -type f | wc -l) inputs, $(du -sh "$fuzz/corpus/$t" | cut -f1)"
    ;;
--seed)
    exec python3 "$fuzz/seed.py" "$root"
    ;;
--totals)
    # Counted from each target's last crash on (the code that crashed has changed since);
    # "with ASan": executions of campaigns built with the default sanitizers.
    printf '%-16s %12s %12s %9s %9s %s\n' target executions 'with ASan' seconds campaigns crashes
    awk -F'\t' 'NR > 1 && $8 ~ /^crash/ { bad[$3]++; runs[$3] = 0; secs[$3] = 0; n[$3] = 0; asan[$3] = 0; next }
                 NR > 1 { runs[$3] += $4; secs[$3] += $5; n[$3]++; if ($9 == "fuzzer,address") asan[$3] += $4 }
        END { for (t in runs) printf "%-16s %12d %12d %9d %9d %d\n", t, runs[t], asan[t], secs[t], n[t], bad[t] + 0 }' \
        "$fuzz/campaigns.tsv" | sort
    ;;
""|-h|--help)
    sed -n '2,/^set /{/^#/p}' "$0"
    ;;
*)
    t=$1
    seconds=${2:?usage: scripts/fuzz.sh NAME SECONDS}
    known "$t"
    build
    mkdir -p "$fuzz/corpus/$t" "$fuzz/artifacts/$t"
    log=$fuzz/artifacts/$t/last-run.log
    echo "fuzz: $t for ${seconds}s (log: $log)"
    started=$SECONDS
    status=0
    # shellcheck disable=SC2086
    "$bin/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/$t/" ${FUZZ_ARGS:-} "$fuzz/corpus/$t" > "$log" 2>&1 || status=$?
    ledger "$t" "$log" $((SECONDS - started)) "$status"
    if [ "$status" -eq 0 ]; then
        grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
        tail -n 3 "$log" | grep -E 'cov:|ft:' || grep -E 'cov:' "$log" | tail -1
    else
        echo "fuzz: $t CRASHED (status $status); reproducer:" >&2
        ls -1 "$fuzz/artifacts/$t"/crash-* "$fuzz/artifacts/$t"/leak-* "$fuzz/artifacts/$t"/timeout-* \
            "$fuzz/artifacts/$t"/oom-* 2>/dev/null >&2 || true
        grep -A30 -E '^==[0-9]+==ERROR|Fatal error|fuzz invariant' "$log" | head -60 >&2
        exit 1
    fi
    ;;
esac
