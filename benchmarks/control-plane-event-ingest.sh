#!/usr/bin/env bash
# Benchmark: event ingest throughput of the control plane, events stored in PostgreSQL per second. CONCURRENCY
# (default 4) posters send gzip-compressed batches of 500 counts + 1,000 exposures + 100 conversions, each with its
# own batch id, to POST /api/v1/events with a sidecar key: a warm-up round, then ROUNDS (3) rounds of BATCHES (400)
# batches; prints each round and the median. Bounded: each round also stops after 120 s.
# Usage: benchmarks/control-plane-event-ingest.sh   (CONCURRENCY, BATCHES, ROUNDS, COUNTS, EXPOSURES, CONVERSIONS,
#        PORT may be set)
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
CONCURRENCY="${CONCURRENCY:-4}"; BATCHES="${BATCHES:-400}"; ROUNDS="${ROUNDS:-3}"
COUNTS="${COUNTS:-500}"; EXPOSURES="${EXPOSURES:-1000}"; CONVERSIONS="${CONVERSIONS:-100}"

start_control_plane
echo "$(machine)"
echo "PostgreSQL: $(psql_db -At -c 'SHOW server_version')"
echo "batches of $COUNTS counts + $EXPOSURES exposures + $CONVERSIONS conversions; $CONCURRENCY concurrent posters;" \
  "$ROUNDS rounds of $BATCHES batches after a warm-up"
"$JAVA" -cp "$ROOT/target/guidon.jar" \
  "$ROOT/benchmarks/control-plane/EventIngest.java" "$CP" "$SIDECAR_KEY" "$CONCURRENCY" "$BATCHES" "$ROUNDS" \
  "$COUNTS" "$EXPOSURES" "$CONVERSIONS"
echo "stored: $(psql_db -At -c "SELECT count(*) || ' batches, ' || sum(events) || ' events' FROM event_batches");" \
  "$(psql_db -At -c "SELECT count(*) FROM flag_exposures") exposure rows," \
  "$(psql_db -At -c "SELECT count(*) FROM flag_daily_totals") day-total rows"
