# Shared by the sidecar benchmarks (run-sidecar-load.sh, run-sidecar-footprint.sh, run-sidecar-ceiling.sh); sourced
# after ./guidon (find_java), with ROOT, JAVA, JAR, JVM_OPTS, SIDECAR_ARGS, PORT and WORK set. The sidecar runs on PORT,
# its management port on PORT+100.

# Builds benchmarks/jmh and sets BENCH_CP, its class path (for MixedDocument and CeilingServer).
bench_classpath() {
  ./mvnw -B -q -Pbench -pl benchmarks/jmh -am -Dmaven.test.skip=true package dependency:build-classpath \
    -Dmdep.outputFile="$ROOT/target/bench-classpath.txt" >/dev/null
  BENCH_CP="benchmarks/jmh/target/classes:$(cat target/bench-classpath.txt)"
}

# The lines every figure in benchmarks/RESULTS.md is recorded with: machine, JDK, date and load, the jar.
print_machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
  echo "jdk: $("$JAVA" -version 2>&1 | head -n 1)"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "sidecar jar: $JAR ($(sha256sum "$JAR" | cut -c1-12))"
}

# Starts the sidecar on flag file $1 with extra JVM options $2 (may be empty); sets PID, and READY_MS to the
# milliseconds from start to ready. Dies with the sidecar's log if it exits first.
# Whether GET /readyz on $PORT answers 200 now, without starting a process.
ready_now() {
  local status=
  { exec 9<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$PORT" >&9 2>/dev/null || true
  IFS= read -r -t 2 status <&9 || true
  exec 9<&- 9>&-
  [[ "$status" == "HTTP/1.1 200"* ]]
}

start_sidecar() {
  local t0 t1
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  "$JAVA" $JVM_OPTS ${2:-} -jar "$JAR" sidecar --port "$PORT" --set management.port=$((PORT + 100)) --flags "$1" \
    $SIDECAR_ARGS >"$WORK/sidecar.log" 2>&1 &
  PID=$!
  # Polled from bash itself (/dev/tcp): a curl every 5 ms would fork ~200 processes a second and take a good part of
  # a core from the start it measures.
  until ready_now; do
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/sidecar.log" >&2; die "the sidecar exited"; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  READY_MS=$(((t1 - t0) / 1000000))
}

stop_sidecar() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }

# The sidecar's resident memory, MB.
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$PID/status"; }
