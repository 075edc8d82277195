#!/usr/bin/env bash
# Heap used by abuse-defence state for N distinct clients (default 1,000,000), each with its own
# /48 network, measured after full GCs before and after. Prints bytes per client.
#   bench/abuse-memory.sh [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-1000000}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}" MAVEN_OPTS="-Xmx4g --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow" \
  mvn -q -B -Dstyle.color=never test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
  -Dexec.classpathScope=test -Dexec.mainClass=org.waypost.bench.AbuseMemoryBenchmark \
  -Dexec.args="$clients" 2>&1 | grep -vE "^WARNING|SLF4J"
