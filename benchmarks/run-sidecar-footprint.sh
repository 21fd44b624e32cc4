#!/usr/bin/env bash
# The sidecar's footprint (issue 15): for each document size, the time from process start to ready (median of
# STARTS), the resident memory after a load of LOAD_SECONDS (half single-flag, half bulk OFREP, wrk -c32), then the
# same load in a JVM with Native Memory Tracking and its summary (committed KB per category) to say where the memory
# goes. NMT itself costs memory (its own category, plus a few MB of malloc headers), so the RSS quoted as the result
# is the one measured without it.
#
# Usage: benchmarks/run-sidecar-footprint.sh [LOAD_SECONDS] [FLAG COUNTS...]   (defaults: 20, 200 10000)
# Knobs: SIDECAR_JVM_OPTS (default: the launcher's, ./guidon sidecar), SIDECAR_ARGS, STARTS (3), NMT (1; 0 skips
# the NMT run), PORT (7171), JAR (another build of the sidecar).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OTHER_JAR="${JAR:-}"
# shellcheck source=../guidon
source "$ROOT/guidon"
find_java
JCMD="$(dirname "$JAVA")/jcmd"
LOAD="${1:-20}"
shift || true
COUNTS=("${@:-200 10000}")
read -r -a COUNTS <<<"${COUNTS[*]}"
STARTS="${STARTS:-3}"
PORT="${PORT:-7171}"
JVM_OPTS="${SIDECAR_JVM_OPTS:-$(server_java_opts sidecar)}"
SIDECAR_ARGS="${SIDECAR_ARGS:-}"
command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk"
cd "$ROOT"
if [ -n "$OTHER_JAR" ]; then JAR="$OTHER_JAR"; else ensure_jar; JAR=target/guidon.jar; fi
WORK="$(mktemp -d)"
PID=
trap 'if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
# shellcheck source=sidecar-common.sh
source "$ROOT/benchmarks/sidecar-common.sh"
bench_classpath

print_machine
echo "sidecar JVM options: $JVM_OPTS; sidecar options: ${SIDECAR_ARGS:-none}; load: ${LOAD}s at wrk -t1 -c32"

export REPORT_LUA="$ROOT/benchmarks/wrk/report.lua"
load() { # prints the two wrk RESULT lines
  local half=$(((LOAD + 1) / 2))
  echo "  single: $(wrk -t1 -c32 -d"${half}s" -s benchmarks/wrk/ofrep-single.lua "http://127.0.0.1:$PORT" | grep RESULT)"
  echo "  bulk:   $(wrk -t1 -c32 -d"${half}s" -s benchmarks/wrk/ofrep-bulk.lua "http://127.0.0.1:$PORT" | grep RESULT)"
}

for n in "${COUNTS[@]}"; do
  "$JAVA" -cp "$BENCH_CP" io.guidon.bench.MixedDocument "$n" >"$WORK/flags-$n.json"
  times=()
  for i in $(seq 1 "$STARTS"); do
    start_sidecar "$WORK/flags-$n.json" ""
    times+=("$READY_MS")
    if [ "$i" = "$STARTS" ]; then
      echo "RESULT rss_idle_${n}_flags_mb=$(rss_mb)"
      load
      echo "RESULT rss_after_load_${n}_flags_mb=$(rss_mb) (load average $(cut -d' ' -f1 /proc/loadavg))"
    fi
    stop_sidecar
  done
  echo "RESULT start_to_ready_${n}_flags_ms runs=[$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')]" \
    "median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  if [ "${NMT:-1}" = 1 ]; then
    start_sidecar "$WORK/flags-$n.json" "-XX:NativeMemoryTracking=summary"
    load >/dev/null
    echo "NMT ${n} flags, after load: rss=$(rss_mb) MB (with NMT's own cost); committed MB per category:"
    "$JCMD" "$PID" VM.native_memory summary scale=KB >"$WORK/nmt.txt"
    # "-   Java Heap (reserved=262144KB, committed=16384KB)" -> "  Java Heap: 16.0"
    awk '/^Total: / { match($0, /committed=[0-9]+KB/); printf "  Total: %.1f\n", substr($0, RSTART+10, RLENGTH-12)/1024 }
         /^-  *[A-Za-z]/ && /committed=/ {
           name = $0; sub(/^-  */, "", name); sub(/ *\(.*/, "", name)
           match($0, /committed=[0-9]+KB/); printf "  %s: %.1f\n", name, substr($0, RSTART+10, RLENGTH-12)/1024 }' \
      "$WORK/nmt.txt"
    stop_sidecar
  fi
done
