#!/usr/bin/env bash
# The sidecar against the ceiling of HTTP on this machine (issue 15): starts the sidecar with a 200-flag document
# and benchmarks/jmh CeilingServer (a minimal Vert.x server answering fixed bodies of the same size as the sidecar's
# single-flag and 200-flag bulk OFREP answers, copied from the sidecar itself at the start), then runs wrk against
# each, interleaved, for several rounds: 32 connections for throughput, 4 connections for the p99. Prints each run,
# then the medians and the ratios sidecar/ceiling, and both processes' resident memory after the load. Each run at
# 32 connections also reports the server's CPU time per request: user + system of its event-loop threads (from
# /proc/PID/task/*/stat; not the JIT's or the collector's), over the requests wrk completed. On a shared machine,
# where throughput follows the neighbours' load, the ratio of CPU per request (ceiling / sidecar) is what the
# throughput ratio would be on cores of its own.
#
# Usage: benchmarks/run-sidecar-ceiling.sh [DURATION_SECONDS] [ROUNDS]
# Knobs: WARMUP (seconds of load per server and scenario before the rounds, 5; more on a loaded machine, where the
# JIT takes longer), SIDECAR_JVM_OPTS (default: the launcher's, ./guidon sidecar), CEILING_JVM_OPTS (default: the same options
# with the ceiling's own class-data archive), SIDECAR_ARGS, FLAGS (document size, 200), PORT (7171; the ceiling
# listens on PORT+1), JAR (another build of the sidecar), COMPARE_JAR (a second build, run at the same time on
# PORT+2 as a third target, "other", interleaved with the two: a before/after comparison in one session; with its
# own class-data archive, since an archive is bound to one jar).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OTHER_JAR="${JAR:-}"
# shellcheck source=../guidon
source "$ROOT/guidon"
find_java
DURATION="${1:-10}"
ROUNDS="${2:-3}"
FLAGS="${FLAGS:-200}"
PORT="${PORT:-7171}"
CPORT=$((PORT + 1))
JVM_OPTS="${SIDECAR_JVM_OPTS:-$(server_java_opts sidecar)}"
# The same JVM options for the ceiling, so that the ratio compares the code, not the JVM settings; its own archive
# (an archive is bound to one class path).
CEILING_JVM_OPTS="${CEILING_JVM_OPTS:-${JVM_OPTS//guidon-sidecar.jsa/guidon-ceiling.jsa}}"
SIDECAR_ARGS="${SIDECAR_ARGS:-}"
command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk"
cd "$ROOT"
if [ -n "$OTHER_JAR" ]; then JAR="$OTHER_JAR"; else ensure_jar; JAR=target/guidon.jar; fi
WORK="$(mktemp -d)"
SPID=
CPID=
OPID=
trap 'for p in "$SPID" "$CPID" "$OPID"; do if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi; done; rm -rf "$WORK"' EXIT
# shellcheck source=sidecar-common.sh
source "$ROOT/benchmarks/sidecar-common.sh"
bench_classpath
"$JAVA" -cp "$BENCH_CP" io.guidon.bench.MixedDocument "$FLAGS" > "$WORK/flags.json"

print_machine
echo "flags: $FLAGS"
echo "sidecar JVM options: $JVM_OPTS; sidecar options: ${SIDECAR_ARGS:-none}"
echo "ceiling JVM options: $CEILING_JVM_OPTS"
echo "wrk: -t1 -c32 -d${DURATION}s (throughput) and -t1 -c4 -d${DURATION}s (p99), $ROUNDS rounds, interleaved"

wait_ready() { # $1 = pid, $2 = port, $3 = log
  until curl -sf "http://127.0.0.1:$2/readyz" >/dev/null 2>&1; do
    kill -0 "$1" 2>/dev/null || { cat "$3" >&2; die "a server exited"; }
    sleep 0.005
  done
}
# shellcheck disable=SC2086
"$JAVA" $JVM_OPTS -jar "$JAR" sidecar --port "$PORT" --set management.port=$((PORT + 100)) --flags "$WORK/flags.json" \
  $SIDECAR_ARGS >"$WORK/sidecar.log" 2>&1 &
SPID=$!
wait_ready "$SPID" "$PORT" "$WORK/sidecar.log"
TARGETS="sidecar ceiling"
if [ -n "${COMPARE_JAR:-}" ]; then
  OPORT=$((PORT + 2))
  # shellcheck disable=SC2086
  "$JAVA" ${JVM_OPTS//guidon-sidecar.jsa/guidon-sidecar-other.jsa} -jar "$COMPARE_JAR" sidecar --port "$OPORT" --set management.port=$((OPORT + 100)) \
    --flags "$WORK/flags.json" $SIDECAR_ARGS >"$WORK/other.log" 2>&1 &
  OPID=$!
  wait_ready "$OPID" "$OPORT" "$WORK/other.log"
  TARGETS="sidecar ceiling other"
  echo "other: $COMPARE_JAR ($(sha256sum "$COMPARE_JAR" | cut -c1-12)) on port $OPORT"
fi

# The ceiling's bodies are the sidecar's own answers to the scripts' first request (user-1), byte for byte in size.
curl -sf -XPOST "http://127.0.0.1:$PORT/ofrep/v1/evaluate/flags/bench-rule" -H 'Content-Type: application/json' \
  -d '{"context":{"targetingKey":"user-1","country":"US","plan":"premium","age":1}}' >"$WORK/single.json"
curl -sf -XPOST "http://127.0.0.1:$PORT/ofrep/v1/evaluate/flags" -H 'Content-Type: application/json' \
  -d '{"context":{"targetingKey":"user-1","country":"FR","plan":"premium","email":"someone@corp.example","appVersion":"2.4.1","deviceType":"ios","signupDate":"2019-06-01T10:00:00Z","spend":250,"age":31}}' \
  >"$WORK/bulk.json"
echo "bodies: single $(wc -c <"$WORK/single.json") bytes, bulk $(wc -c <"$WORK/bulk.json") bytes"
# shellcheck disable=SC2086
"$JAVA" $CEILING_JVM_OPTS -cp "$BENCH_CP" io.guidon.bench.CeilingServer "$CPORT" "$WORK/single.json" "$WORK/bulk.json" \
  >"$WORK/ceiling.log" 2>&1 &
CPID=$!
wait_ready "$CPID" "$CPORT" "$WORK/ceiling.log"

export REPORT_LUA="$ROOT/benchmarks/wrk/report.lua"
# Clock ticks of CPU of the event loops of process $1 (Vert.x names them vert.x-eventloop-thread-N; the kernel keeps
# 15 characters of a thread's name).
cpu_ticks() { awk '$2 ~ /^\(vert\.x-eventloo/ {s += $14 + $15} END {print s + 0}' /proc/"$1"/task/*/stat; }
run() { # $1 = target (sidecar|ceiling), $2 = scenario (single|bulk), $3 = connections, $4 = seconds; prints RESULT
  local port=$PORT pid=$SPID line before after
  if [ "$1" = ceiling ]; then port=$CPORT; pid=$CPID; fi
  if [ "$1" = other ]; then port=$OPORT; pid=$OPID; fi
  before=$(cpu_ticks "$pid")
  line=$(wrk -t1 -c"$3" -d"$4s" -s "benchmarks/wrk/ofrep-$2.lua" "http://127.0.0.1:$port" | grep RESULT)
  after=$(cpu_ticks "$pid")
  # Clock ticks are 1/$(getconf CLK_TCK) s; microseconds of CPU per request completed.
  echo "$line cpu_us_per_req=$(awk -v t=$((after - before)) -v hz="$HZ" -v l="$line" 'BEGIN {
    match(l, /requests=[0-9]+/); n = substr(l, RSTART + 9, RLENGTH - 9); printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
}
HZ=$(getconf CLK_TCK)
# Warm-up, not reported: lets both JITs compile their hot paths.
for t in $TARGETS; do for s in single bulk; do run "$t" "$s" 32 "${WARMUP:-5}" >/dev/null; done; done

declare -A RPS P99 CPU
for r in $(seq 1 "$ROUNDS"); do
  # Alternate which target goes first, so neither always runs in the other's wake.
  if [ $((r % 2)) = 1 ]; then order="$TARGETS"; else order=$(tr ' ' '\n' <<<"$TARGETS" | tac | tr '\n' ' '); fi
  for s in single bulk; do
    for t in $order; do
      line=$(run "$t" "$s" 32 "$DURATION")
      echo "round $r $t $s c32: $line (load $(cut -d' ' -f1 /proc/loadavg))"
      RPS[$t.$s]="${RPS[$t.$s]:-} $(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$line")"
      CPU[$t.$s]="${CPU[$t.$s]:-} $(sed -E 's/.*cpu_us_per_req=([0-9.]+).*/\1/' <<<"$line")"
      line=$(run "$t" "$s" 4 "$DURATION")
      echo "round $r $t $s c4:  $line"
      P99[$t.$s]="${P99[$t.$s]:-} $(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line")"
    done
  done
done

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
for s in single bulk; do
  cr=$(median "${RPS[ceiling.$s]}"); cp=$(median "${P99[ceiling.$s]}"); cc=$(median "${CPU[ceiling.$s]}")
  for t in $TARGETS; do
    [ "$t" = ceiling ] && continue
    sr=$(median "${RPS[$t.$s]}"); sp=$(median "${P99[$t.$s]}"); sc=$(median "${CPU[$t.$s]}")
    echo "RESULT $s ($t): ${t}_rps=$sr ceiling_rps=$cr ratio=$(awk -v a="$sr" -v b="$cr" 'BEGIN {printf "%.2f", a/b}')" \
      "${t}_cpu_us_per_req=$sc ceiling_cpu_us_per_req=$cc cpu_ratio=$(awk -v a="$cc" -v b="$sc" \
        'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')" \
      "${t}_p99_c4_us=$sp ceiling_p99_c4_us=$cp (medians of $ROUNDS; runs: $t rps [${RPS[$t.$s]# }]" \
      "ceiling rps [${RPS[ceiling.$s]# }] $t cpu [${CPU[$t.$s]# }] ceiling cpu [${CPU[ceiling.$s]# }]" \
      "$t p99 [${P99[$t.$s]# }] ceiling p99 [${P99[ceiling.$s]# }])"
  done
done
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
echo "RESULT rss_after_load_mb sidecar=$(rss "$SPID") ceiling=$(rss "$CPID")${OPID:+ other=$(rss "$OPID")} (load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
