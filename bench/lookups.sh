#!/usr/bin/env bash
# Lookup throughput and latency: Waypost's GET /api/v1/tracking/{number} against nginx serving the
# very same JSON bytes as static files at the same paths, on this machine, in the same run.
#
#   bench/lookups.sh            (about 3.5 minutes on a quiet machine; see bench/README.md)
#
# Environment: WARMUP (s of JIT warm-up for Waypost, default 30; nginx gets 5), DURATION (s per measured round, default 10), ROUNDS (default
# 3: Waypost and nginx take turns, so a change in the machine's load hits both), THREADS (wrk,
# default 1), CONNECTIONS (default 32), QUIET_WAIT (s, default 120: how long to wait before each
# round for other processes to leave the CPUs idle), PROFILE=1 (JFR of Waypost during its rounds,
# saved under bench/out/; its figures are then perturbed), KEEP=1 (keep the temp folder), PIN=1
# (per-core figures: each server on CPU 0 alone — nginx with one worker and no access log, as its
# users run a static server — and wrk on CPU 1; without it all share every core).
#
# Everything runs on 127.0.0.1, every wrk run is bounded by -d and by timeout, and whatever this
# script starts (the demo, nginx) is stopped on exit.
set -euo pipefail

WARMUP="${WARMUP:-30}" # on 2 slow cores C2 needs 20-30 s of load before Waypost reaches its pace
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-1}"
CONNECTIONS="${CONNECTIONS:-32}"
PROFILE="${PROFILE:-0}"
PIN="${PIN:-0}"
CALIBRATE=5 # seconds per calibration run of the half-rate pause
TICKS="$(getconf CLK_TCK)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "lookups: $*" >&2; exit 1; }
say() { echo "lookups: $*" >&2; }
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"

# ---- tools

missing=()
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]}: apt-get install -y wrk nginx curl"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx curl) >&2
  else
    die "needs ${missing[*]}: sudo apt-get install -y wrk nginx curl"
  fi
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

# PIN=1: the server (Waypost or nginx) on CPU 0, the load generator on CPU 1.
server_cpu=() load_cpu=()
if [ "$PIN" = 1 ]; then
  command -v taskset >/dev/null 2>&1 || die "PIN=1 needs taskset (util-linux)"
  [ "$(nproc)" -ge 2 ] || die "PIN=1 needs two CPUs"
  server_cpu=(taskset -c 0) load_cpu=(taskset -c 1)
fi

# ---- workspace and cleanup

tmp="$(mktemp -d /tmp/waypost-lookups.XXXXXX)"
chmod 755 "$tmp" # nginx workers may run as another user and must read the files
demo_pid=""
nginx_pid=""

cleanup() {
  stop_pid "$nginx_pid"
  stop_pid "$demo_pid"
  if [ "${KEEP:-0}" = 1 ]; then
    say "kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- CPU accounting: who used the two cores during a run

busy_total() { # machine-wide "busy total" clock ticks
  awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

proc_ticks() { # utime + stime of the given processes, in clock ticks
  local pid sum=0 t
  for pid in "$@"; do
    t="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')" || t=0
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}

# CPU of this shell's finished children (wrk, and the odd awk), in seconds. `times` must run in
# this shell, not in a $(...) subshell, whose children start from zero: so it writes to $1.
children_seconds() {
  times >"$1"
  awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}

server_pids() { # $1: waypost or nginx
  if [ "$1" = waypost ]; then
    echo "$demo_pid"
  else
    echo "$nginx_pid" $(pgrep -P "$nginx_pid" || true)
  fi
}

idle_pct() { # percent idle over 2 s, machine-wide
  read -r a_busy a_total < <(busy_total)
  sleep 2
  read -r b_busy b_total < <(busy_total)
  awk -v b="$((b_busy - a_busy))" -v t="$((b_total - a_total))" \
    'BEGIN { printf "%d", (t > 0) ? 100 * (1 - b / t) : 100 }'
}

# Waits (up to QUIET_WAIT s) until other processes leave the CPUs at least 90 % idle.
busy_note=""
wait_quiet() {
  local deadline=$((SECONDS + ${QUIET_WAIT:-120})) idle
  while true; do
    idle="$(idle_pct)"
    [ "$idle" -ge 90 ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "WARNING: the machine is busy (only ${idle}% idle) before $1; measuring anyway"
      busy_note="${busy_note}WARNING: only ${idle}% of the CPUs were idle before $1."$'\n'
      return 0
    fi
    say "waiting for the machine to be quiet before $1 (${idle}% idle)"
    sleep 5
  done
}

# ---- Waypost demo

start_demo
jdk="$(dirname "$(dirname "$java_bin")")"

"$java_bin" --enable-native-access=ALL-UNNAMED -cp "$root/target/waypost.jar" \
  "$root/bench/ListNumbers.java" "$tmp/data/waypost.db" >"$tmp/numbers.txt"
count="$(wc -l <"$tmp/numbers.txt")"
[ "$count" -ge 100 ] || die "expected the demo's shipments, found $count tracking numbers"

# ---- the same bytes for nginx, at the same paths

www="$tmp/www"
mkdir -p "$www/api/v1/tracking"
# Each from its own client address and /48 network, so that no rate limit of Waypost answers 429.
i=0
while read -r n; do
  i=$((i + 1))
  [ "$i" = 1 ] || echo next
  printf 'url = "http://127.0.0.1:%s/api/v1/tracking/%s"\noutput = "%s"\n' \
    "$wport" "$n" "$www/api/v1/tracking/$n"
  printf 'header = "X-Forwarded-For: 2001:db8:%x::1"\n' "$i"
done <"$tmp/numbers.txt" >"$tmp/curl.cfg"
curl -s --max-time 120 -K "$tmp/curl.cfg"
while read -r n; do
  head -c 18 "$www/api/v1/tracking/$n" 2>/dev/null | grep -q '^{"trackingNumber"' \
    || die "no tracking result fetched for $n"
done <"$tmp/numbers.txt"
chmod -R a+rX "$www"
bytes="$(cat "$www"/api/v1/tracking/* | wc -c)"
avg_bytes=$((bytes / count))

nport="$(free_port)"
mkdir -p "$tmp/nginx"
if [ "$PIN" = 1 ]; then
  # Pinned to one core: one worker, and no access log, as a static server is usually run.
  nginx_workers=1 nginx_log="off"
else
  # One worker per core; like Waypost, one access-log line per request to a file (nginx's
  # default "combined" format, unbuffered).
  nginx_workers=auto nginx_log="$tmp/nginx/access.log"
fi
cat >"$tmp/nginx/nginx.conf" <<EOF
# Minimal static server for bench/lookups.sh.
worker_processes $nginx_workers;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log $nginx_log;
  default_type application/json;
  keepalive_requests 1000000;  # like Jetty, keep a client's connection open (nginx's default: 1000)
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $www;
  }
}
EOF
"${server_cpu[@]}" "$nginx_bin" -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" \
  -g 'daemon off;' >"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!
sample="$(head -n 1 "$tmp/numbers.txt")"
if ! wait_http "http://127.0.0.1:$nport/api/v1/tracking/$sample" 20 "$nginx_pid"; then
  cat "$tmp/nginx/error.log" "$tmp/nginx/stdout.log" >&2 || true
  die "nginx did not start"
fi
cmp -s <(curl -s "http://127.0.0.1:$nport/api/v1/tracking/$sample") \
  <(curl -s -H "X-Forwarded-For: 2001:db8:fffe::1" "http://127.0.0.1:$wport/api/v1/tracking/$sample") \
  || die "nginx and Waypost answer $sample with different bytes"

# ---- the wrk script: a random real number per request, a random client in 2001:db8::/32

cp "$root/bench/lookups.lua" "$tmp/lookups.lua"

# run_wrk SERVER SECONDS DELAY_MS
#   prints "rate p50_ms p99_ms errors non2xx server_cores wrk_cores others_cores"
run_wrk() {
  local port out pids s0 s1 c0 c1 b0 t0 b1 t1
  if [ "$1" = waypost ]; then port="$wport"; else port="$nport"; fi
  pids="$(server_pids "$1")"
  read -r b0 t0 < <(busy_total)
  s0="$(proc_ticks $pids)"
  children_seconds "$tmp/times" >"$tmp/c0"
  c0="$(cat "$tmp/c0")"
  out="$(BENCH_NUMBERS="$tmp/numbers.txt" BENCH_DELAY_MS="$3" \
    timeout $(($2 + 30)) "${load_cpu[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --timeout 5s \
    -s "$tmp/lookups.lua" "http://127.0.0.1:$port/" 2>&1)" || die "wrk failed: $out"
  children_seconds "$tmp/times" >"$tmp/c1"
  c1="$(cat "$tmp/c1")"
  s1="$(proc_ticks $pids)"
  read -r b1 t1 < <(busy_total)
  echo "$out" >>"$tmp/wrk.log"
  echo "$out" | awk -v server="$((s1 - s0))" -v busy="$((b1 - b0))" -v total="$((t1 - t0))" \
    -v client="$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')" -v hz="$TICKS" \
    -v cores="$(nproc)" '/^RESULT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    wall = v["duration_us"] / 1e6
    used = cores * busy / total; s = server / hz / wall; c = client / wall
    o = used - s - c; if (o < 0) o = 0
    printf "%.0f %.2f %.2f %d %d %.2f %.2f %.2f\n", v["requests"] / wall,
      v["p50_us"] / 1000, v["p99_us"] / 1000, v["errors"], v["non2xx"], s, c, o
  }'
}

check_clean() { # label errors non2xx
  if [ "$2" != 0 ] || [ "$3" != 0 ]; then
    say "WARNING: $1 had $2 socket errors and $3 non-2xx answers; its figures are not comparable"
  fi
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

say "$count numbers, ${avg_bytes} B of JSON each on average; wrk -t$THREADS -c$CONNECTIONS"
wait_quiet "the warm-up"
say "warm-up: ${WARMUP} s for Waypost, 5 s for nginx"
run_wrk waypost "$WARMUP" 0 >/dev/null
run_wrk nginx 5 0 >/dev/null
if [ "$PROFILE" = 1 ]; then
  mkdir -p "$root/bench/out"
  jfr_file="$root/bench/out/lookups-$(date +%Y%m%d-%H%M%S).jfr"
  "$jdk/bin/jcmd" "$demo_pid" JFR.start name=lookups settings=profile >/dev/null
fi
: >"$tmp/rounds"
for round in $(seq "$ROUNDS"); do
  for server in waypost nginx; do
    wait_quiet "$server round $round"
    say "round $round/$ROUNDS: $server, ${DURATION} s"
    run_wrk "$server" "$DURATION" 0 >"$tmp/result"
    read -r rate p50 p99 err bad scpu ccpu ocpu <"$tmp/result"
    check_clean "$server" "$err" "$bad"
    echo "$server $rate $p50 $p99 $scpu $ccpu $ocpu" >>"$tmp/rounds"
  done
done
if [ "$PROFILE" = 1 ]; then
  "$jdk/bin/jcmd" "$demo_pid" JFR.dump name=lookups filename="$jfr_file" >/dev/null
  "$jdk/bin/jcmd" "$demo_pid" JFR.stop name=lookups >/dev/null
fi

column() { awk -v s="$1" -v c="$2" '$1 == s { print $c }' "$tmp/rounds" | median; }
range() { awk -v s="$1" '$1 == s { print $2 }' "$tmp/rounds" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
w_rate="$(column waypost 2)"
n_rate="$(column nginx 2)"

# Half of Waypost's maximum: each connection pauses between requests. A run's cycle per request
# is the pause plus whatever wrk and the server add, so measure that overhead and correct for it.
target="$(awk -v r="$w_rate" 'BEGIN { printf "%d", r / 2 }')"
delay="$(awk -v c="$CONNECTIONS" -v r="$target" 'BEGIN { printf "%.3f", 1000 * c / r }')"
wait_quiet "the half-rate runs"
for round in 1 2; do
  say "half rate: calibrating the pause ($round/2, ${CALIBRATE} s at ${delay} ms, target $target req/s)"
  run_wrk waypost "$CALIBRATE" "$delay" >"$tmp/result"
  read -r c_rate _ <"$tmp/result"
  delay="$(awk -v c="$CONNECTIONS" -v r="$target" -v a="$c_rate" -v d="$delay" 'BEGIN {
    over = 1000 * c / a - d; nd = 1000 * c / r - over; if (nd < 0.05) nd = 0.05; printf "%.3f", nd }')"
done
half_seconds=$((DURATION * 2))
say "half rate: ${half_seconds} s measured with a ${delay} ms pause"
run_wrk waypost "$half_seconds" "$delay" >"$tmp/result"
read -r h_rate h_p50 h_p99 h_err h_bad h_scpu h_ccpu h_ocpu <"$tmp/result"
check_clean "Waypost at half rate" "$h_err" "$h_bad"

# ---- report

verdict() { awk -v x="$1" -v op="$2" -v t="$3" 'BEGIN {
  ok = (op == ">=") ? (x >= t) : (x < t); print ok ? "met" : "MISSED" }'; }
ratio="$(awk -v a="$w_rate" -v b="$n_rate" 'BEGIN { printf "%.2f", a / b }')"
half_share="$(awk -v a="$h_rate" -v b="$w_rate" 'BEGIN { printf "%.2f", a / b }')"
line() { # label rate range p50 p99 server client others ratio
  printf '| %-34s | %7.0f | %-13s | %6.2f | %6.2f | %-21s | %-21s |\n' "$1" "$2" "$3" "$4" "$5" \
    "$(printf '%.2f / %.2f / %.2f' "$6" "$7" "$8")" "$9"
}
cat <<EOF

Lookups: GET /api/v1/tracking/{n}, $count demo numbers at random, ${avg_bytes} B of JSON on average,
a random X-Forwarded-For in 2001:db8::/32 per request; wrk -t$THREADS -c$CONNECTIONS; $(nproc) cores$(
  [ "$PIN" = 1 ] && echo "; PIN=1: each server alone on CPU 0 (nginx: 1 worker, access_log off), wrk on CPU 1").
Medians of $ROUNDS rounds of ${DURATION} s per server, taken in turns after warm-up (Waypost ${WARMUP} s, nginx 5 s);
CPU in cores: the server / wrk / everything else on the machine.

| server                             |   req/s | range (req/s) | p50 ms | p99 ms | CPU srv / wrk / other | ratio                 |
|------------------------------------|--------:|---------------|-------:|-------:|-----------------------|-----------------------|
EOF
line "nginx, same bytes as static files" "$n_rate" "$(range nginx)" "$(column nginx 3)" \
  "$(column nginx 4)" "$(column nginx 5)" "$(column nginx 6)" "$(column nginx 7)" "1.00 (baseline)"
line "Waypost, as fast as it goes" "$w_rate" "$(range waypost)" "$(column waypost 3)" \
  "$(column waypost 4)" "$(column waypost 5)" "$(column waypost 6)" "$(column waypost 7)" \
  "$ratio of nginx"
line "Waypost, paced to half of its max" "$h_rate" "(${half_seconds} s run)" "$h_p50" "$h_p99" \
  "$h_scpu" "$h_ccpu" "$h_ocpu" "$half_share of its max"
cat <<EOF

target: Waypost >= 0.5 x nginx: $(verdict "$ratio" ">=" 0.5) ($ratio)
target: p99 < 10 ms at half of the max: $(verdict "$h_p99" "<" 10) (${h_p99} ms at ${h_rate} req/s)
EOF
awk '{ r[$1] = r[$1] sprintf(" %.0f (other %.2f)", $2, $7) }
  END { print "rounds, req/s (other processes'"'"' CPU, cores):"
        print "  nginx:  " r["nginx"]; print "  Waypost:" r["waypost"] }' "$tmp/rounds"
printf '%s' "$busy_note"
if [ "$PROFILE" = 1 ]; then
  echo
  echo "JFR of Waypost during its rounds (figures above perturbed by it): $jfr_file"
  "$jdk/bin/jfr" view --width 160 hot-methods "$jfr_file" || true
fi
