# Shell helpers that bench/lookups.sh, bench/soak.sh, bench/ingest.sh and bench/nodes.sh share; sourced, not run. The sourcing
# script defines root, tmp, die() and say() first.

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

wait_http() { # url seconds pid
  local deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -sf --max-time 2 -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# SIGTERM, up to 10 s to exit, then SIGKILL: only for a process id this script started.
stop_pid() {
  local pid="$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# Starts ./waypost demo on a free port with its data under $tmp/data and waits until it is ready;
# sets wport, demo_pid (the demo's JVM: the launcher execs java) and java_bin.
start_demo() {
  wport="$(free_port)"
  say "starting the Waypost demo on 127.0.0.1:$wport (builds the jar first when needed)"
  # server_cpu: PIN=1 in lookups.sh puts the server alone on CPU 0
  ${server_cpu[@]+"${server_cpu[@]}"} "$root/waypost" demo --port "$wport" --data "$tmp/data" \
    >"$tmp/demo.log" 2>&1 &
  demo_pid=$!
  if ! wait_http "http://127.0.0.1:$wport/health/ready" 300 "$demo_pid"; then
    cat "$tmp/demo.log" >&2
    die "the demo did not become ready"
  fi
  java_bin="$(readlink -f "/proc/$demo_pid/exe")"
}

major_version() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]) }'
}

find_jdk() { # as ./waypost does: $JAVA_HOME, java on the PATH, then the newest under /usr/lib/jvm
  local candidates=() dir
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v java >/dev/null 2>&1 \
    && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  for dir in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do candidates+=("${dir%/}"); done
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ]; then
      local major
      major="$(major_version "$dir/bin/java")"
      if [ -n "$major" ] && [ "$major" -ge 21 ]; then
        echo "$dir"
        return 0
      fi
    fi
  done
  return 1
}
