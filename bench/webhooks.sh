#!/usr/bin/env bash
# Webhook delivery against scan ingestion: 10,000 webhooks delivered to a local receiver while
# scans are posted, against the same posts with no webhook to deliver, in the same run (PostgreSQL,
# full durability). The work is done by src/test/java/org/waypost/bench/WebhookBenchmark.java
# (embedded PostgreSQL and the receiver from the test classpath; nothing to install but a JDK 21+
# and Maven). Everything runs on 127.0.0.1, bounded by a timeout.
#
#   bench/webhooks.sh [-Dbench.scans=N -Dbench.webhooks=N -Dbench.rounds=N]   (about 3 minutes)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "webhooks: $*" >&2; exit 1; }
if [ -z "${JAVA_HOME:-}" ]; then
  for dir in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    if [ -x "$dir/bin/javac" ]; then JAVA_HOME="${dir%/}"; break; fi
  done
fi
[ -n "${JAVA_HOME:-}" ] || die "no JDK found: set JAVA_HOME to a JDK 21 or newer"
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed"

tmp="$(mktemp -d /tmp/waypost-webhooks.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
if ! timeout --kill-after=30 1200 mvn -B -q -Dstyle.color=never test-compile \
  org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.waypost.bench.WebhookBenchmark -Dbench.dir="$tmp" "$@" 2>"$tmp/log.txt"; then
  tail -n 60 "$tmp/log.txt" >&2
  die "the benchmark failed (log above)"
fi
