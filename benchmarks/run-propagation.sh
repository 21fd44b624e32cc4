#!/usr/bin/env bash
# Benchmark: propagation of a flag change from the admin API to connected sidecars. A control plane and SIDECARS
# (default 4) connected sidecars run as real processes from target/guidon.jar, with a database of their own
# (created and dropped here) and a Redis prefix of their own; the environment holds FLAGS (default 100) seeded
# flags plus the flag "bench-propagation", which io.guidon.bench.Propagation toggles CHANGES (default 200) times
# through the API, one change at a time after WARMUP (default 100, unmeasured: the JIT of every process), timing
# each until every sidecar serves it. Bounded: about a minute.
#
# Usage: benchmarks/run-propagation.sh     (SIDECARS, CHANGES, WARMUP, FLAGS, PORT may be set)
FLAGS="${FLAGS:-100}"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
SIDECARS="${SIDECARS:-4}"
CHANGES="${CHANGES:-200}"
WARMUP="${WARMUP:-100}"
SIDECAR_JVM_OPTS="${SIDECAR_JVM_OPTS:--XX:+UseSerialGC -Xms64m -Xmx256m}"
WORK="$(mktemp -d)"
SIDECAR_PIDS=()

stop_all() {
  for pid in "${SIDECAR_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SIDECAR_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  cleanup
  rm -rf "$WORK"
}
trap stop_all EXIT

cd "$ROOT"
./mvnw -B -q -Pbench -pl benchmarks/jmh -am -Dmaven.test.skip=true package dependency:build-classpath \
  -Dmdep.outputFile="$ROOT/target/bench-classpath.txt" >/dev/null
start_control_plane
seed_flags
api POST /api/v1/flags '{"key": "bench-propagation", "variants": {"on": true, "off": false}}' >/dev/null
api PUT /api/v1/environments/production/flags/bench-propagation/rollout '{"percentage": 100}' >/dev/null

# The sidecars get their settings from the command line only (not the control plane's GUIDON_* variables).
unset_guidon=()
for v in $(compgen -e | grep '^GUIDON_' | grep -v '^GUIDON_LOG_LEVEL$'); do unset_guidon+=(-u "$v"); done
ports=()
for i in $(seq 1 "$SIDECARS"); do
  port=$((PORT + i))
  # shellcheck disable=SC2086
  env "${unset_guidon[@]}" "$JAVA" $SIDECAR_JVM_OPTS -jar target/guidon.jar sidecar --port "$port" \
    --control-plane "$CP" --sidecar-key "$SIDECAR_KEY" --redis "redis://$REDIS_HOST:$REDIS_PORT" \
    --cache-dir "$WORK/sidecar-$i" --set redis.prefix="$PREFIX" --set http.event-loops=1 --set management.port=$((port + 100)) \
    >"$WORK/sidecar-$i.log" 2>&1 &
  SIDECAR_PIDS+=($!)
  ports+=("$port")
done
for i in $(seq 1 "$SIDECARS"); do
  port="${ports[$((i - 1))]}"
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 \
      && curl -sf "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q '"redis":{"state":"CONNECTED"' && break
    kill -0 "${SIDECAR_PIDS[$((i - 1))]}" 2>/dev/null || { cat "$WORK/sidecar-$i.log" >&2; die "sidecar $i exited"; }
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$WORK/sidecar-$i.log" >&2; die "sidecar $i is not ready"; }
done

echo "$(machine); load average before the run: $LOAD_BEFORE"
echo "control plane and $SIDECARS connected sidecars as processes from target/guidon.jar (sidecars: $SIDECAR_JVM_OPTS,"
echo "http.event-loops=1); environment: $FLAGS seeded flags + bench-propagation; Redis $REDIS_HOST:$REDIS_PORT"
"$JAVA" -cp "benchmarks/jmh/target/classes:$(cat target/bench-classpath.txt)" io.guidon.bench.Propagation \
  "$CP" "$ADMIN_KEY" production bench-propagation "$CHANGES" "$WARMUP" "${ports[@]}"
