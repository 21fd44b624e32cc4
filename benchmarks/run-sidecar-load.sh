#!/usr/bin/env bash
# Load test of the running sidecar over 127.0.0.1 with wrk (Debian package `wrk`), bounded in time, plus its
# resident memory with 100 and 10,000 flags and its time from process start to ready.
#
# Usage: benchmarks/run-sidecar-load.sh [DURATION_SECONDS] [CONNECTIONS] [WRK_THREADS]
# Prints RESULT lines; copy them into benchmarks/RESULTS.md with the machine and JDK lines it prints first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# JAR=path runs another build of the sidecar; read it before the launcher (sourced below) sets its own JAR.
OTHER_JAR="${JAR:-}"
# shellcheck source=../guidon
source "$ROOT/guidon"
find_java
DURATION="${1:-20}"
CONNECTIONS="${2:-32}"
THREADS="${3:-1}"
PORT="${PORT:-7171}"
# The JVM options ./guidon sidecar uses (class-data archive, serial GC, a heap that shrinks), unless overridden.
JVM_OPTS="${SIDECAR_JVM_OPTS:-$(server_java_opts sidecar)}"
# Extra sidecar options, such as SIDECAR_ARGS="--set http.event-loops=1".
SIDECAR_ARGS="${SIDECAR_ARGS:-}"
command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk"
cd "$ROOT"
# JAR=path runs another build of the sidecar (to compare two builds in one session).
if [ -n "$OTHER_JAR" ]; then JAR="$OTHER_JAR"; else ensure_jar; JAR=target/guidon.jar; fi
WORK="$(mktemp -d)"
# Only a sidecar still running: "kill 0" (PID empty after stop_sidecar) would kill this script's whole process group,
# and with it a loop that runs the script several times.
trap 'if [ -n "${PID:-}" ]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
# shellcheck source=sidecar-common.sh
source "$ROOT/benchmarks/sidecar-common.sh"
bench_classpath
"$JAVA" -cp "$BENCH_CP" io.guidon.bench.MixedDocument 100 > "$WORK/flags-100.json"
"$JAVA" -cp "$BENCH_CP" io.guidon.bench.MixedDocument 10000 > "$WORK/flags-10000.json"

print_machine
echo "sidecar JVM options: $JVM_OPTS; sidecar options: ${SIDECAR_ARGS:-none}; wrk: -t$THREADS -c$CONNECTIONS -d${DURATION}s"

export REPORT_LUA="$ROOT/benchmarks/wrk/report.lua"
start_sidecar "$WORK/flags-100.json"
# Warm-up, not reported: lets the JIT compile the hot paths.
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s benchmarks/wrk/ofrep-single.lua "http://127.0.0.1:$PORT" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s benchmarks/wrk/ofrep-bulk.lua "http://127.0.0.1:$PORT" >/dev/null
echo "RESULT-NAME single-flag OFREP (bench-rule, varying users, 100-flag document)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s benchmarks/wrk/ofrep-single.lua "http://127.0.0.1:$PORT" | grep RESULT
echo "RESULT-NAME bulk OFREP (all 100 flags, varying users)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s benchmarks/wrk/ofrep-bulk.lua "http://127.0.0.1:$PORT" | grep RESULT
echo "RESULT rss_after_load_100_flags_mb=$(rss_mb)"
stop_sidecar

# LOAD_ONLY=1 stops here (to compare settings of the load test alone).
[ "${LOAD_ONLY:-0}" = 1 ] && exit 0

for n in 100 10000; do
  times=()
  for i in 1 2 3 4 5; do
    start_sidecar "$WORK/flags-$n.json"
    times+=("$READY_MS")
    if [ "$i" = 5 ]; then
      curl -s -XPOST "http://127.0.0.1:$PORT/ofrep/v1/evaluate/flags" -H 'Content-Type: application/json' -d '{"context":{"targetingKey":"u1"}}' >/dev/null
      sleep 2
      echo "RESULT rss_idle_${n}_flags_mb=$(rss_mb)"
    fi
    stop_sidecar
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
  echo "RESULT start_to_ready_${n}_flags_ms runs=[${sorted}] median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)"
done
