#!/usr/bin/env bash
# Benchmark: events per second through the Kafka sink (ADR 0122), from the outbox in PostgreSQL to a real
# single-node KRaft broker (kafka_2.13 from the local Maven repository, as the tests run it), acknowledged with
# acks=all by the idempotent producer. Each of ROUNDS (3) rounds: the broker is stopped, CONCURRENCY (2) posters send
# BATCHES (200) batches, after the load generator's warm-up of BATCHES/2, of 500 counts + 1,000 exposures + 100
# conversions (stored in PostgreSQL at once, queued in
# the outbox), the broker is started again, and the control plane's guidon_kafka_published_total is sampled every
# 0.2 s until the outbox is empty: events/s = events published / time between the first and the last sample that
# moved. Prints each round and the median. Bounded: a round gives up after 180 s.
# Usage: benchmarks/control-plane-kafka-sink.sh   (ROUNDS, BATCHES, CONCURRENCY, KAFKA_PORT, PORT may be set)
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
ROUNDS="${ROUNDS:-3}"; BATCHES="${BATCHES:-200}"; CONCURRENCY="${CONCURRENCY:-2}"
KAFKA_PORT="${KAFKA_PORT:-19092}"; KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))
KAFKA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/guidon-bench-kafka-XXXXXX")"
KAFKA_PID=""

KAFKA_CP="$(cd "$ROOT" && ./mvnw -B -o -q dependency:build-classpath -pl guidon-control-plane \
  -Dmdep.includeScope=test -Dmdep.outputFile="$KAFKA_DIR/classpath" >/dev/null && cat "$KAFKA_DIR/classpath")"

stop_broker() {
  if [ -n "$KAFKA_PID" ]; then kill "$KAFKA_PID" 2>/dev/null || true; wait "$KAFKA_PID" 2>/dev/null || true; fi
  KAFKA_PID=""
}
bench_cleanup() { stop_broker; rm -rf "$KAFKA_DIR"; cleanup; }
trap bench_cleanup EXIT

cat >"$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=6
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
controlled.shutdown.enable=false
broker.heartbeat.interval.ms=200
PROPS
"$JAVA" -Xmx256m -cp "$KAFKA_CP" kafka.tools.StorageTool format -t "$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" \
  -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/format.log" 2>&1 || { cat "$KAFKA_DIR/format.log" >&2; die "format failed"; }

start_broker() {
  "$JAVA" -Xmx512m -cp "$KAFKA_CP" kafka.Kafka "$KAFKA_DIR/server.properties" >>"$KAFKA_DIR/broker.log" 2>&1 &
  KAFKA_PID=$!
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null && return 0
    sleep 0.2
  done
  cat "$KAFKA_DIR/broker.log" >&2; die "the broker did not start"
}

published() {
  curl -sf "http://127.0.0.1:$MANAGEMENT_PORT/metrics" | awk '/^guidon_kafka_published_total/ {s += $NF} END {printf "%d", s}'
}
waiting() { psql_db -At -c "SELECT coalesce(sum(events), 0) FROM event_outbox"; }

start_broker
export GUIDON_KAFKA_ENABLED=true GUIDON_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
start_control_plane
echo "$(machine); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PostgreSQL: $(psql_db -At -c 'SHOW server_version'); Kafka $(basename "$(tr ':' '\n' <<<"$KAFKA_CP" | grep kafka_2.13)")"
rates=()
for round in $(seq 1 "$ROUNDS"); do
  stop_broker
  "$JAVA" -cp "$ROOT/target/guidon.jar" "$ROOT/benchmarks/control-plane/EventIngest.java" "$CP" "$SIDECAR_KEY" \
    "$CONCURRENCY" "$BATCHES" 1 500 1000 100 >"$KAFKA_DIR/ingest-$round.log"
  queued=$(waiting)
  start_broker
  before=$(published); t0=""; first=""; last=""; tlast=""
  deadline=$((SECONDS + 180))
  while [ "$SECONDS" -lt "$deadline" ]; do
    now=$(date +%s.%N); p=$(published)
    if [ "$p" != "$before" ] && [ -z "$t0" ]; then t0=$now; first=$p; fi
    if [ -n "$t0" ] && [ "$p" != "$last" ]; then tlast=$now; last=$p; fi
    [ "$(waiting)" = 0 ] && [ -n "$t0" ] && break
    sleep 0.2
  done
  [ "$(waiting)" = 0 ] || die "round $round: the outbox did not drain within 180 s"
  rate=$(awk -v a="$first" -v b="$last" -v t0="$t0" -v t1="$tlast" 'BEGIN {printf "%d", (b - a) / (t1 - t0)}')
  echo "round $round: $queued events queued while the broker was down; published $((last - before)) in total;" \
    "$rate events/s (from the first to the last sample that moved)"
  rates+=("$rate")
done
printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR] = $1} END {print "median: " a[int((NR + 1) / 2)] " events/s"}'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
