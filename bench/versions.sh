#!/usr/bin/env bash
# Lookup throughput of two versions of Waypost, side by side in one run: each revision is built
# into its own jar, both demos run at once (each on its own data), and the same wrk load (a random
# real number of that demo per request, a random client in 2001:db8::/32 each time) drives them
# in turns, so that whatever else the machine does hits both alike. Prints req/s of each and the
# ratio new/old: a refactoring that claims "no regression" should show a ratio near 1.
#   bench/versions.sh OLD_REV [NEW_REV]      NEW_REV defaults to the working tree's jar
#   WARMUP=40 DURATION=10 ROUNDS=5 CONNECTIONS=32 bench/versions.sh ce1921e
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
old_rev="${1:?usage: bench/versions.sh OLD_REV [NEW_REV]}"
new_rev="${2:-}"
WARMUP="${WARMUP:-40}" DURATION="${DURATION:-10}" ROUNDS="${ROUNDS:-5}" CONNECTIONS="${CONNECTIONS:-32}"
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
  || { echo "versions: needs wrk (apt-get install -y wrk)" >&2; exit 1; }
tmp="$(mktemp -d /tmp/waypost-versions.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  git -C "$root" worktree remove --force "$tmp/src-old" 2>/dev/null || true
  git -C "$root" worktree remove --force "$tmp/src-new" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
say() { echo "versions: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ready() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 1; done; return 1; }

build() { # REV NAME -> path of its jar
  say "building $1"
  git -C "$root" worktree add --detach -q "$tmp/src-$2" "$1"
  (cd "$tmp/src-$2" && mvn -q -B -Dstyle.color=never -DskipTests package >"$tmp/build-$2.log" 2>&1) \
    || { cat "$tmp/build-$2.log" >&2; exit 1; }
  echo "$tmp/src-$2/target/waypost.jar"
}
(cd "$root" && ./waypost --help >/dev/null) # builds the working tree's jar when needed
old_jar="$(build "$old_rev" old)"
if [ -n "$new_rev" ]; then new_jar="$(build "$new_rev" new)"; else new_jar="$root/target/waypost.jar"; fi

jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
start_demo() { # NAME JAR PORT
  "$jdk/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -jar "$2" demo --port "$3" --data "$tmp/$1" >"$tmp/$1.log" 2>&1 &
  pids+=($!)
}
old_port="$(free_port)"; new_port="$(free_port)"
say "starting old (:$old_port) and new (:$new_port)"
start_demo old "$old_jar" "$old_port"
start_demo new "$new_jar" "$new_port"
ready "$old_port" && ready "$new_port" || { cat "$tmp/old.log" "$tmp/new.log" >&2; exit 1; }
for v in old new; do
  "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$root/target/waypost.jar" \
    "$root/bench/ListNumbers.java" "$tmp/$v/waypost.db" >"$tmp/numbers-$v.txt"
done

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
  io.write(string.format("RESULT %d %d %d %d\n", summary.requests, summary.duration,
    summary.errors.status, latency:percentile(99)))
end
EOF
rate() { # NAME PORT SECONDS -> "req/s p99_ms"
  BENCH_NUMBERS="$tmp/numbers-$1.txt" wrk -t1 -c"$CONNECTIONS" -d"$3"s --timeout 5s \
    -s "$tmp/load.lua" "http://127.0.0.1:$2/" | awk -v n="$1" '/^RESULT/ {
      if ($4 > 0) print n ": " $4 " non-2xx answers" > "/dev/stderr"
      printf "%d %.2f\n", $2 / ($3 / 1e6), $5 / 1000 }'
}
say "warming up both for ${WARMUP} s each"
rate old "$old_port" "$WARMUP" >/dev/null; rate new "$new_port" "$WARMUP" >/dev/null
: >"$tmp/rounds"
for r in $(seq 1 "$ROUNDS"); do
  say "round $r/$ROUNDS"
  echo "old $(rate old "$old_port" "$DURATION")" >>"$tmp/rounds"
  echo "new $(rate new "$new_port" "$DURATION")" >>"$tmp/rounds"
done
median() { awk -v v="$1" -v c="$2" '$1 == v { print $c }' "$tmp/rounds" | sort -n \
  | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
o="$(median old 2)"; n="$(median new 2)"
echo
echo "Lookups, GET /api/v1/tracking/{n}: medians of $ROUNDS rounds of ${DURATION} s, in turns, wrk -t1 -c$CONNECTIONS"
printf '| %-28s | %8s | %8s |\n' version "req/s" "p99 ms"
printf '| %-28s | %8d | %8s |\n' "old $old_rev" "$o" "$(median old 3)"
printf '| %-28s | %8d | %8s |\n' "new ${new_rev:-working tree}" "$n" "$(median new 3)"
awk -v a="$n" -v b="$o" 'BEGIN { printf "ratio new/old: %.3f\n", a / b }'
echo "rounds (req/s):"
awk '{ r[$1] = r[$1] " " $2 } END { print "  old:" r["old"]; print "  new:" r["new"] }' "$tmp/rounds"
