#!/usr/bin/env bash
# Benchmark: what recording exposures for the control plane costs the sidecar's evaluation throughput. The same
# wrk single-flag OFREP load as benchmarks/run-sidecar-load.sh (benchmarks/wrk/ofrep-single.lua: bench-rule, a
# different user on every request) against
#   (a) a standalone sidecar serving the 100-flag MixedDocument from a file (the counting event sink), and
#   (b) a connected sidecar serving the same document from a control plane (the upstream aggregation sink: counts
#       per flag, variant and minute, plus one exposure per flag, variant and user in the exposure window, batched
#       for POST /api/v1/events; a control plane without that route answers 404 and the batches wait on disk).
# Both run from target/guidon.jar with the same JVM options; runs alternate a/b (the order flipping every round),
# ROUNDS (default 6) of DURATION seconds (default 10) each after two warm-up runs of each; medians are compared.
# Bounded: about 3.5 minutes.
#
# Usage: benchmarks/run-exposure-cost.sh   (ROUNDS, DURATION, CONNECTIONS, WRK_THREADS, PORT may be set)
FLAGS=0
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
ROUNDS="${ROUNDS:-6}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${WRK_THREADS:-1}"
JVM_OPTS="${SIDECAR_JVM_OPTS:--XX:+UseSerialGC -Xms64m -Xmx256m -XX:+AlwaysPreTouch}"
PORT_A=$((PORT + 1))
PORT_B=$((PORT + 2))
WORK="$(mktemp -d)"
PIDS=()
command -v wrk >/dev/null || die "wrk is not installed: apt-get install wrk"
command -v jq >/dev/null || die "jq is not installed: apt-get install jq"

stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  cleanup
  rm -rf "$WORK"
}
trap stop_all EXIT

cd "$ROOT"
./mvnw -B -q -Pbench -pl benchmarks/jmh -am -Dmaven.test.skip=true package dependency:build-classpath \
  -Dmdep.outputFile="$ROOT/target/bench-classpath.txt" >/dev/null
"$JAVA" -cp "benchmarks/jmh/target/classes:$(cat target/bench-classpath.txt)" io.guidon.bench.MixedDocument 100 \
  >"$WORK/flags.json"
start_control_plane
# The same document in the control plane, straight into its tables (as seed_flags does), then one version bump.
psql_db -v doc="$(cat "$WORK/flags.json")" <<'SQL'
INSERT INTO flags (tenant_id, key, description, variants)
SELECT t.id, f.key, 'MixedDocument', f.value -> 'variants'
FROM tenants t, jsonb_each((:'doc')::jsonb -> 'flags') f WHERE t.key = 'bench';
INSERT INTO flag_configs (environment_id, flag_id, tenant_id, config)
SELECT e.id, fl.id, fl.tenant_id, f.value - 'variants'
FROM jsonb_each((:'doc')::jsonb -> 'flags') f
JOIN flags fl ON fl.key = f.key
JOIN environments e ON e.tenant_id = fl.tenant_id AND e.key = 'production';
INSERT INTO segments (tenant_id, environment_id, key, definition)
SELECT e.tenant_id, e.id, s.key, s.value
FROM jsonb_each((:'doc')::jsonb -> 'segments') s, environments e WHERE e.key = 'production';
UPDATE environments SET version = version + 1, log_floor = version + 1 WHERE key = 'production';
SQL

unset_guidon=()
for v in $(compgen -e | grep '^GUIDON_' | grep -v '^GUIDON_LOG_LEVEL$'); do unset_guidon+=(-u "$v"); done
# shellcheck disable=SC2086
env "${unset_guidon[@]}" "$JAVA" $JVM_OPTS -jar target/guidon.jar sidecar --port "$PORT_A" --set management.port=$((PORT_A + 100)) --flags "$WORK/flags.json" \
  >"$WORK/standalone.log" 2>&1 &
PIDS+=($!)
# shellcheck disable=SC2086
env "${unset_guidon[@]}" "$JAVA" $JVM_OPTS -jar target/guidon.jar sidecar --port "$PORT_B" --set management.port=$((PORT_B + 100)) --control-plane "$CP" \
  --sidecar-key "$SIDECAR_KEY" --redis "redis://$REDIS_HOST:$REDIS_PORT" --cache-dir "$WORK/cache" \
  --set redis.prefix="$PREFIX" >"$WORK/connected.log" 2>&1 &
PIDS+=($!)
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 1 300); do
    [ "$(curl -sf "http://127.0.0.1:$port/healthz" 2>/dev/null | jq -r '.flagSet.flags // 0')" = 100 ] && break
    sleep 0.1
  done
  [ "$(curl -sf "http://127.0.0.1:$port/healthz" | jq -r '.flagSet.flags // 0')" = 100 ] \
    || { cat "$WORK"/*.log >&2; die "the sidecar on port $port does not serve the 100 flags"; }
done
# Both serve the same evaluations.
ctx='{"context":{"targetingKey":"user-5678","country":"FR","plan":"premium","email":"someone@corp.example","appVersion":"2.4.1","deviceType":"ios","signupDate":"2019-06-01T10:00:00Z","spend":250,"age":31}}'
for port in "$PORT_A" "$PORT_B"; do
  curl -sf -XPOST "http://127.0.0.1:$port/ofrep/v1/evaluate/flags" -H "Content-Type: application/json" -d "$ctx" \
    | jq -S '.flags | map({key, value, variant, reason}) | sort_by(.key)' >"$WORK/eval-$port.json"
done
cmp -s "$WORK/eval-$PORT_A.json" "$WORK/eval-$PORT_B.json" || die "the two sidecars evaluate differently"

echo "$(machine); load average before the run: $LOAD_BEFORE"
echo "sidecars: $JVM_OPTS, defaults (http.event-loops = cores); wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s," \
  "benchmarks/wrk/ofrep-single.lua; $ROUNDS rounds"
export REPORT_LUA="$ROOT/benchmarks/wrk/report.lua"
load() { # $1 = port, $2 = seconds; prints requests per second
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" -s benchmarks/wrk/ofrep-single.lua "http://127.0.0.1:$1" \
    | sed -n 's/^RESULT rps=\([0-9]*\) .*non2xx=\([0-9]*\)$/\1 \2/p'
}
for _ in 1 2; do   # warm-up, not reported: the JIT, and the connected sidecar's first sight of every user
  load "$PORT_A" "$DURATION" >/dev/null
  load "$PORT_B" "$DURATION" >/dev/null
done
a=(); b=()
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="a b"; else order="b a"; fi
  for which in $order; do
    if [ "$which" = a ]; then read -r rps bad < <(load "$PORT_A" "$DURATION"); a+=("$rps")
    else read -r rps bad < <(load "$PORT_B" "$DURATION"); b+=("$rps"); fi
    [ "$bad" = 0 ] || die "non-2xx responses in a run of $which"
    echo "round $r $which: $rps requests/s"
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
echo "RESULT standalone (counting sink)   runs=[${a[*]}] median=$ma"
echo "RESULT connected (upstream sink)    runs=[${b[*]}] median=$mb"
awk -v a="$ma" -v b="$mb" 'BEGIN {printf "RESULT overhead of exposure recording: %.1f%% of throughput (medians)\n", (a - b) * 100 / a}'
# The same from each round's pair of neighbouring runs, which a machine whose load drifts affects less.
ratios=()
for i in "${!a[@]}"; do ratios+=("$(awk -v a="${a[$i]}" -v b="${b[$i]}" 'BEGIN {printf "%.2f", (a - b) * 100 / a}')"); done
echo "RESULT overhead per round: [${ratios[*]}] %, median $(median "${ratios[@]}")%"
echo "connected sidecar's event metrics:"
curl -sf "http://127.0.0.1:$((PORT_B + 100))/metrics" | grep -E '^guidon_events_|^guidon_flag_evaluations_total' | grep -v '^#' \
  | grep -E 'pending|spool|dropped|batches|delivered' | head -20
