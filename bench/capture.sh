#!/usr/bin/env bash
# What visitor capture costs lookups: two Waypost demos side by side, the same data, one with
# capture on (the default) and one started with -Dwaypost.capture=off, driven in turns by the
# same wrk load (a random real number per request, a random client in 2001:db8::/32 each time).
# Prints req/s of each, the ratio (target >= 0.95), and what capture recorded and dropped.
#   bench/capture.sh                  about 3 minutes
#   WARMUP=30 DURATION=10 ROUNDS=3 CONNECTIONS=32 bench/capture.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
WARMUP="${WARMUP:-30}" DURATION="${DURATION:-10}" ROUNDS="${ROUNDS:-3}" CONNECTIONS="${CONNECTIONS:-32}"
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "capture: needs wrk (apt-get install -y wrk)" >&2; exit 1; }
tmp="$(mktemp -d /tmp/waypost-capture.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
say() { echo "capture: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ready() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 1; done; return 1; }

on_port="$(free_port)"; off_port="$(free_port)"
(cd "$root" && ./waypost --help >/dev/null)   # builds the jar once, before two demos race to
say "starting Waypost with capture on (:$on_port) and off (:$off_port)"
"$root/waypost" demo --port "$on_port" --data "$tmp/on" >"$tmp/on.log" 2>&1 & pids+=($!)
JAVA_OPTS="-Dwaypost.capture=off" "$root/waypost" demo --port "$off_port" --data "$tmp/off" >"$tmp/off.log" 2>&1 & pids+=($!)
ready "$on_port" && ready "$off_port" || { cat "$tmp/on.log" "$tmp/off.log" >&2; exit 1; }
java_bin="$(readlink -f "/proc/${pids[0]}/exe")"
"$java_bin" --enable-native-access=ALL-UNNAMED -cp "$root/target/waypost.jar" "$root/bench/ListNumbers.java" "$tmp/on/waypost.db" >"$tmp/numbers.txt"

cat >"$tmp/load.lua" <<'EOF'
local numbers = {}
for line in io.lines(os.getenv("BENCH_NUMBERS")) do numbers[#numbers + 1] = line end
function init(args) math.randomseed(os.time() * 1000) end
function request()
  local n = numbers[math.random(#numbers)]
  return wrk.format("GET", "/api/v1/tracking/" .. n, { ["X-Forwarded-For"] = string.format(
    "2001:db8:%x:%x:%x:%x::%x", math.random(0, 65535), math.random(0, 65535),
    math.random(0, 65535), math.random(0, 65535), math.random(1, 65535)) })
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d\n", summary.requests, summary.duration, summary.errors.status))
end
EOF
rate() { # PORT SECONDS -> req/s
  BENCH_NUMBERS="$tmp/numbers.txt" wrk -t1 -c"$CONNECTIONS" -d"$2"s --timeout 5s -s "$tmp/load.lua" \
    "http://127.0.0.1:$1/" | awk '/^RESULT/ { if ($4 > 0) print "non2xx " $4 > "/dev/stderr"; printf "%d\n", $2 / ($3 / 1e6) }'
}
say "warming up both for ${WARMUP} s each"
rate "$on_port" "$WARMUP" >/dev/null; rate "$off_port" "$WARMUP" >/dev/null
on=(); off=()
for r in $(seq 1 "$ROUNDS"); do
  say "round $r/$ROUNDS"
  on+=("$(rate "$on_port" "$DURATION")"); off+=("$(rate "$off_port" "$DURATION")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_on="$(median "${on[@]}")"; m_off="$(median "${off[@]}")"
metric() { curl -s "http://127.0.0.1:$on_port/metrics" | awk -v m="$1" '$1 ~ "^"m { sum += $2 } END { printf "%d", sum }'; }
recorded="$(metric 'waypost_capture_recorded_total')"
full="$(metric 'waypost_capture_dropped_total\\{reason="queue-full"')"
shed="$(metric 'waypost_capture_dropped_total\\{reason="overload"')"
echo
echo "Lookups with visitor capture on vs off, $(wc -l <"$tmp/numbers.txt") demo numbers, a new client per request, wrk -t1 -c$CONNECTIONS;"
echo "medians of $ROUNDS rounds of $DURATION s, in turns, after ${WARMUP} s of warm-up each."
printf '  capture off: %7d req/s   (%s)\n' "$m_off" "${off[*]}"
printf '  capture on:  %7d req/s   (%s)\n' "$m_on" "${on[*]}"
awk -v a="$m_on" -v b="$m_off" 'BEGIN { r = a / b; printf "  ratio on/off: %.3f  target >= 0.95: %s\n", r, (r >= 0.95 ? "met" : "MISSED") }'
total=$((recorded + full + shed))
awk -v r="$recorded" -v f="$full" -v s="$shed" -v t="$total" 'BEGIN { if (t == 0) t = 1;
  printf "  capture over the whole run: %d visits recorded (%.1f%%), %d dropped at overload (%.1f%%), %d with the queue full\n", r, 100*r/t, s, 100*s/t, f }'
