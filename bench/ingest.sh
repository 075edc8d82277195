#!/usr/bin/env bash
# Ingestion throughput: scan events through POST /api/v1/events in batches of 1,000 into
# PostgreSQL and into SQLite, each against the database's own bulk load of the same rows (COPY;
# a JDBC batch insert for SQLite), in the same run. The work is done by the Java harness
# src/test/java/org/waypost/bench/IngestBenchmark.java (embedded PostgreSQL from the test
# classpath; nothing to install but a JDK 21+ and Maven).
#
#   bench/ingest.sh [-Dbench.shipments=N ...]      (about 4 minutes; see bench/README.md)
#
# Environment: PROFILE=1 (JFR of Waypost during its PostgreSQL run, saved under bench/out/; that
# run's figures are then perturbed), KEEP=1 (keep the work folder). Everything runs on this
# machine; the run is bounded by a timeout, and the PostgreSQL server it starts is stopped on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "ingest: $*" >&2; exit 1; }

# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

JAVA_HOME="$(find_jdk)" || die "no JDK 21 or newer found (looked at \$JAVA_HOME, java on the PATH and /usr/lib/jvm/*)"
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed: sudo apt-get install -y maven"

tmp="$(mktemp -d /tmp/waypost-ingest.XXXXXX)"
run_pid=""

cleanup() {
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid" 2>/dev/null || true # the harness's shutdown hooks stop PostgreSQL
    for _ in $(seq 50); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$run_pid" 2>/dev/null || true
  fi
  local pidfile="$tmp/pg/postmaster.pid" pid
  if [ -f "$pidfile" ]; then # a PostgreSQL left behind by a killed harness: ours, by its pid file
    pid="$(head -n 1 "$pidfile")"
    if [ -n "$pid" ] && grep -qa "$tmp/pg" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "ingest: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

extra=()
if [ "${PROFILE:-0}" = 1 ]; then
  mkdir -p "$root/bench/out"
  jfr_file="$root/bench/out/ingest-$(date +%Y%m%d-%H%M%S).jfr"
  extra+=("-Dbench.jfr=$jfr_file")
fi

# The harness prints its progress and the report on stdout; Maven's and PostgreSQL's logs go to a
# file that is shown when something fails.
cd "$root"
timeout --kill-after=30 1800 mvn -B -q -Dstyle.color=never test-compile \
  org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.waypost.bench.IngestBenchmark -Dbench.dir="$tmp" \
  ${extra[@]+"${extra[@]}"} "$@" 2>"$tmp/log.txt" &
run_pid=$!
if ! wait "$run_pid"; then
  run_pid=""
  tail -n 60 "$tmp/log.txt" >&2
  die "the benchmark failed (log above)"
fi
run_pid=""
if [ "${PROFILE:-0}" = 1 ]; then
  echo
  echo "JFR of Waypost's PostgreSQL run (its figures above are perturbed by it): $jfr_file"
  "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$jfr_file" || true
fi
