#!/usr/bin/env bash
# Two Waypost nodes behind nginx on loopback (issue 16): one embedded PostgreSQL, one key folder,
# one redis-server, two nodes and one nginx balancing them. Checks that lookups answer
# byte-identically through nginx as from one node, that a block made through nginx holds on both
# nodes, then compares a wrk lookup load through nginx with one node directly. The work is done by
# src/test/java/org/waypost/bench/NodesBenchmark.java (embedded PostgreSQL from the test classpath).
#
#   bench/nodes.sh [-Dbench.pieces=600 -Dbench.warmup=20 -Dbench.seconds=20 -Dbench.rounds=2]
#
# Needs a JDK 21+, Maven, redis-server, nginx and wrk. Everything listens on 127.0.0.1 only; the
# run is bounded by a timeout, and what it started is stopped on exit. KEEP=1 keeps the work folder.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "nodes: $*" >&2; exit 1; }
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
JAVA_HOME="$(find_jdk)" || die "no JDK 21 or newer found (looked at \$JAVA_HOME, java on the PATH and /usr/lib/jvm/*)"
export JAVA_HOME
for tool in mvn nginx wrk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is needed (Debian: apt-get install -y maven nginx wrk)"
done
[ -x /usr/bin/redis-server ] || die "redis-server is needed (Debian: apt-get install -y redis-server)"
export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"

tmp="$(mktemp -d /tmp/waypost-nodes.XXXXXX)"
run_pid=""

# Stops a process we started, found by the pid file it wrote under $tmp (checked against its
# command line, so a reused pid is left alone).
stop_by_pidfile() { # pidfile marker
  local pid
  [ -f "$1" ] || return 0
  pid="$(head -n 1 "$1")"
  if [ -n "$pid" ] && grep -qa "$2" "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

cleanup() {
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$run_pid" 2>/dev/null || true
  fi
  # left behind only when the harness was killed: nginx, PostgreSQL (redis-server exits with the
  # harness's JVM only when stopped by it, so look for it by its --dir too)
  stop_by_pidfile "$tmp/nginx/nginx.pid" "$tmp/nginx.conf"
  stop_by_pidfile "$tmp/pg/postmaster.pid" "$tmp/pg"
  local pid
  for pid in $(pgrep -u "$(id -u)" -x redis-server 2>/dev/null || true); do
    grep -qa "$tmp" "/proc/$pid/cmdline" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "nodes: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$root"
timeout --kill-after=30 900 mvn -B -q -Dstyle.color=never test-compile \
  org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.waypost.bench.NodesBenchmark -Dbench.dir="$tmp" "$@" 2>"$tmp/log.txt" &
run_pid=$!
if ! wait "$run_pid"; then
  run_pid=""
  tail -n 60 "$tmp/log.txt" >&2
  die "the benchmark failed (log above)"
fi
run_pid=""
