#!/usr/bin/env bash
# Soak: the demo server under the lookup load of bench/lookups.sh, paced to half of the maximum it
# reaches on this machine, for DURATION seconds; heap after a full GC sampled every INTERVAL s.
# Passes when no request failed (socket errors, timeouts, non-2xx) and the heap stayed flat.
#
#   bench/soak.sh                 (about 12 minutes: 1.5 min to find the maximum, 10 min soak)
#
# Environment: DURATION (s of soak, default 600), INTERVAL (s between heap samples, default 30),
# RATE (req/s to hold; default: half of the maximum measured here as bench/lookups.sh measures it:
# WARMUP s of warm-up, default 30, then the median of 3 rounds of 10 s), THREADS (wrk, default 1),
# CONNECTIONS (default 32), JAVA_OPTS (for the demo's JVM), KEEP=1 (keep the temp folder).
#
# Everything runs on 127.0.0.1, every wrk run is bounded by -d and by timeout, and the demo this
# script starts is stopped on exit.
set -euo pipefail

DURATION="${DURATION:-600}"
INTERVAL="${INTERVAL:-30}"
WARMUP="${WARMUP:-30}"
THREADS="${THREADS:-1}"
CONNECTIONS="${CONNECTIONS:-32}"
CALIBRATE=5 # seconds per calibration run of the pause

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "soak: $*" >&2; exit 1; }
say() { echo "soak: $*" >&2; }
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"

for tool in wrk curl; do
  command -v "$tool" >/dev/null 2>&1 || die "needs $tool: sudo apt-get install -y wrk curl"
done

tmp="$(mktemp -d /tmp/waypost-soak.XXXXXX)"
demo_pid=""
cleanup() {
  stop_pid "$demo_pid"
  if [ "${KEEP:-0}" = 1 ]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the demo, its numbers, the load

start_demo
jcmd="$(dirname "$java_bin")/jcmd"
"$java_bin" --enable-native-access=ALL-UNNAMED -cp "$root/target/waypost.jar" \
  "$root/bench/ListNumbers.java" "$tmp/data/waypost.db" >"$tmp/numbers.txt"
count="$(wc -l <"$tmp/numbers.txt")"
[ "$count" -ge 100 ] || die "expected the demo's shipments, found $count tracking numbers"
cp "$root/bench/lookups.lua" "$tmp/lookups.lua"

# run_wrk SECONDS DELAY_MS -> "rate p50_ms p99_ms errors non2xx requests"
run_wrk() {
  local out
  out="$(BENCH_NUMBERS="$tmp/numbers.txt" BENCH_DELAY_MS="$2" \
    timeout $(($1 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --timeout 5s \
    -s "$tmp/lookups.lua" "http://127.0.0.1:$wport/" 2>&1)" || die "wrk failed: $out"
  echo "$out" >>"$tmp/wrk.log"
  echo "$out" | awk '/^RESULT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    wall = v["duration_us"] / 1e6
    printf "%.0f %.2f %.2f %d %d %d\n", v["requests"] / wall, v["p50_us"] / 1000,
      v["p99_us"] / 1000, v["errors"], v["non2xx"], v["requests"] }'
}

# Heap in use right after a full GC, in MiB: what the server holds on to, not what it has yet to
# collect. (System.gc() through jcmd; the demo does not disable explicit GCs.)
heap_after_gc() {
  "$jcmd" "$demo_pid" GC.run >/dev/null
  "$jcmd" "$demo_pid" GC.heap_info | grep -o 'used [0-9]*K' | head -n 1 \
    | awk '{ printf "%.1f\n", substr($2, 1, length($2) - 1) / 1024 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---- the rate to hold

if [ -z "${RATE:-}" ]; then
  say "warm-up: ${WARMUP} s at full speed"
  run_wrk "$WARMUP" 0 >/dev/null
  : >"$tmp/max"
  for round in 1 2 3; do
    say "maximum: round $round/3, 10 s"
    run_wrk 10 0 | awk '{ print $1 }' >>"$tmp/max"
  done
  max="$(median <"$tmp/max")"
  RATE="$(awk -v m="$max" 'BEGIN { printf "%d", m / 2 }')"
  say "maximum $max req/s (rounds: $(tr '\n' ' ' <"$tmp/max")); holding $RATE req/s"
else
  max="(not measured)"
  say "warm-up: ${WARMUP} s at full speed; holding RATE=$RATE req/s"
  run_wrk "$WARMUP" 0 >/dev/null
fi

# wrk has no fixed-rate mode: each connection pauses between requests (as bench/lookups.sh does
# for its half-rate run), calibrated in two short runs for the overhead each cycle adds.
delay="$(awk -v c="$CONNECTIONS" -v r="$RATE" 'BEGIN { printf "%.3f", 1000 * c / r }')"
for round in 1 2; do
  run_wrk "$CALIBRATE" "$delay" >"$tmp/result"
  read -r c_rate _ <"$tmp/result"
  delay="$(awk -v c="$CONNECTIONS" -v r="$RATE" -v a="$c_rate" -v d="$delay" 'BEGIN {
    over = 1000 * c / a - d; nd = 1000 * c / r - over; if (nd < 0.05) nd = 0.05; printf "%.3f", nd }')"
done

# ---- the soak: wrk in INTERVAL-long pieces, a heap sample after each

first_heap="$(heap_after_gc)"
say "${DURATION} s at $RATE req/s (pause ${delay} ms per connection), heap after GC ${first_heap} MiB"
: >"$tmp/samples"
elapsed=0
while [ "$elapsed" -lt "$DURATION" ]; do
  piece=$((DURATION - elapsed < INTERVAL ? DURATION - elapsed : INTERVAL))
  run_wrk "$piece" "$delay" >"$tmp/result"
  elapsed=$((elapsed + piece))
  heap="$(heap_after_gc)"
  kill -0 "$demo_pid" 2>/dev/null || die "the demo died: $(tail -n 20 "$tmp/demo.log")"
  read -r rate p50 p99 err bad n <"$tmp/result"
  echo "$elapsed $rate $p50 $p99 $err $bad $n $heap" >>"$tmp/samples"
  say "$(printf '%4d s: %6.0f req/s, p50 %5.2f ms, p99 %6.2f ms, errors %d, non-2xx %d, heap %s MiB' \
    "$elapsed" "$rate" "$p50" "$p99" "$err" "$bad" "$heap")"
done

# ---- report

p50_median="$(awk '{ print $3 }' "$tmp/samples" | median)"
p99_median="$(awk '{ print $4 }' "$tmp/samples" | median)"
awk -v first="$first_heap" -v p50m="$p50_median" -v p99m="$p99_median" -v rate="$RATE" -v max="$max" -v dur="$DURATION" \
  -v conns="$CONNECTIONS" -v threads="$THREADS" -v count="$count" '
  { t[NR] = $1; err += $5; bad += $6; n += $7; h[NR] = $8
    if ($4 > p99max) p99max = $4; if ($8 > hmax) hmax = $8 }
  END {
    # least-squares slope of the heap samples, MiB per 10 minutes
    for (i = 1; i <= NR; i++) { sx += t[i]; sy += h[i]; sxx += t[i] * t[i]; sxy += t[i] * h[i] }
    slope = (NR > 1) ? (NR * sxy - sx * sy) / (NR * sxx - sx * sx) * 600 : 0
    if (first > hmax) hmax = first
    printf "\nSoak: GET /api/v1/tracking/{n}, %d demo numbers, wrk -t%d -c%d, %d s at a target of %s req/s\n", count, threads, conns, dur, rate
    printf "(half of the measured maximum, %s req/s); figures per %d-s piece, heap in use after a full GC.\n\n", max, t[1]
    printf "| achieved req/s | requests | p50 ms (median of pieces) | p99 ms (median / worst piece) | errors + timeouts | non-2xx | heap MiB first / last / max | heap trend |\n"
    printf "|---:|---:|---:|---:|---:|---:|---|---|\n"
    printf "| %.0f | %d | %.2f | %.2f / %.2f | %d | %d | %.1f / %.1f / %.1f | %+.1f MiB per 10 min |\n",
      n / t[NR], n, p50m, p99m, p99max, err, bad, first, h[NR], hmax, slope
    flat = (h[NR] - first < 8 || h[NR] < first * 1.10)
    printf "\nerrors: %s (%d socket errors or timeouts, %d non-2xx)\n", (err + bad == 0) ? "none" : "SOME", err, bad
    printf "heap: %s (last sample %.1f MiB against %.1f MiB at the start)\n", flat ? "flat" : "GROWING", h[NR], first
    exit (err + bad == 0 && flat) ? 0 : 1
  }' "$tmp/samples"
