#!/usr/bin/env bash
# Start to ready of the sidecar (issue 15: ≤ 1 s with 200 flags): starts it STARTS times on a generated document and
# prints, for each start, the milliseconds from the process's start to the first answer 200 of GET /readyz (polled
# every 5 ms), split by the sidecar's own log: to its first log line (JVM start, class loading, settings read), to
# "loaded N flags" (the document read and compiled), to "listening" (HTTP servers bound); then the medians and the
# CPU the process had used when it became ready (user + system, ms: on a shared machine, wall time follows the
# neighbours' load, CPU time much less). The first start writes the class-data archive if it is missing or stale
# (-XX:+AutoCreateSharedArchive, at that JVM's exit) and is reported but left out of the medians.
#
# Usage: benchmarks/run-sidecar-startup.sh [STARTS] [FLAGS]   (defaults: 11, 200)
# Knobs: SIDECAR_JVM_OPTS (default: the launcher's, ./guidon sidecar), SIDECAR_ARGS, PORT (7171), JAR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OTHER_JAR="${JAR:-}"
# shellcheck source=../guidon
source "$ROOT/guidon"
find_java
STARTS="${1:-11}"
FLAGS="${2:-200}"
PORT="${PORT:-7171}"
JVM_OPTS="${SIDECAR_JVM_OPTS:-$(server_java_opts sidecar)}"
SIDECAR_ARGS="${SIDECAR_ARGS:-}"
cd "$ROOT"
if [ -n "$OTHER_JAR" ]; then JAR="$OTHER_JAR"; else ensure_jar; JAR=target/guidon.jar; fi
WORK="$(mktemp -d)"
PID=
trap 'if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
# shellcheck source=sidecar-common.sh
source "$ROOT/benchmarks/sidecar-common.sh"
bench_classpath
"$JAVA" -cp "$BENCH_CP" io.guidon.bench.MixedDocument "$FLAGS" >"$WORK/flags.json"

print_machine
echo "flags: $FLAGS; sidecar JVM options: $JVM_OPTS; sidecar options: ${SIDECAR_ARGS:-none}"

HZ=$(getconf CLK_TCK)
# Milliseconds from $1 (ns since the epoch) to the time of the first log line matching $2.
log_ms() {
  local t
  t=$(grep -m1 "$2" "$WORK/sidecar.log" | sed -E 's/.*"time":"([^"]+)".*/\1/') || true
  if [ -z "$t" ]; then echo "-"; return; fi
  echo $((($(date -d "$t" +%s%N) - $1) / 1000000))
}
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

READY=() CPU=()
for i in $(seq 1 "$STARTS"); do
  t0=$(date +%s%N)
  start_sidecar "$WORK/flags.json" ""
  cpu=$(awk -v hz="$HZ" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$PID/stat")
  echo "start $i: ready ${READY_MS} ms (first log line $(log_ms "$t0" '"message"'), flags loaded" \
    "$(log_ms "$t0" 'loaded [0-9]* flags'), listening $(log_ms "$t0" 'sidecar listening') ms); CPU ${cpu} ms;" \
    "load $(cut -d' ' -f1 /proc/loadavg)"
  stop_sidecar
  if [ "$i" -gt 1 ]; then READY+=("$READY_MS"); CPU+=("$cpu"); fi
done
echo "RESULT start_to_ready_ms median=$(median "${READY[*]}") min=$(tr ' ' '\n' <<<"${READY[*]}" | sort -n | head -1)" \
  "max=$(tr ' ' '\n' <<<"${READY[*]}" | sort -n | tail -1) cpu_ms_median=$(median "${CPU[*]}")" \
  "(starts 2..$STARTS: ${READY[*]}; load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
