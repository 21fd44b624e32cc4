#!/usr/bin/env bash
# Benchmark: event ingest throughput of the control plane, events stored in PostgreSQL per second. CONCURRENCY
# (default 4) posters send gzip-compressed batches of 500 counts + 1,000 exposures + 100 conversions, each with its
# own batch id, to POST /api/v1/events with a sidecar key: a warm-up round, then ROUNDS (3) rounds of BATCHES (400)
# batches; prints each round and the median. Bounded: each round also stops after 120 s.
# RUNNING_EXPERIMENTS (default 0) running experiments on the first flags have every conversion and their flags'
# exposures queued for their kept state (ADR 0124).
# Usage: benchmarks/control-plane-event-ingest.sh   (CONCURRENCY, BATCHES, ROUNDS, COUNTS, EXPOSURES, CONVERSIONS,
#        RUNNING_EXPERIMENTS, PORT may be set)
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
CONCURRENCY="${CONCURRENCY:-4}"; BATCHES="${BATCHES:-400}"; ROUNDS="${ROUNDS:-3}"
COUNTS="${COUNTS:-500}"; EXPOSURES="${EXPOSURES:-1000}"; CONVERSIONS="${CONVERSIONS:-100}"

RUNNING_EXPERIMENTS="${RUNNING_EXPERIMENTS:-0}"

start_control_plane
if [ "$RUNNING_EXPERIMENTS" -gt 0 ]; then
  # Running experiments on flag-0000.. with a metric on the batches' conversion event: their events are queued for
  # the experiments' kept state by the raw tables' triggers (ADR 0124), in each batch's transaction.
  psql_db <<SQL
INSERT INTO metrics (tenant_id, key, name, kind, event, value_source, direction)
SELECT id, 'revenue', 'Revenue', 'mean', 'checkout-completed', 'value', 'higher_is_better' FROM tenants WHERE key = 'bench';
INSERT INTO experiments (tenant_id, environment_id, environment_key, flag_id, flag_key, key, name, control_variant,
                         variants, method, alpha, power, correction, status, start_at, created_by_name)
SELECT t.id, e.id, e.key, 1, 'flag-' || lpad(i::text, 4, '0'), 'exp-' || i, 'exp-' || i, 'off',
       '[{"key": "off", "weight": 50}, {"key": "on", "weight": 50}]', 'frequentist', 0.05, 0.8, 'none', 'running',
       now() - interval '1 day', 'bench'
FROM tenants t JOIN environments e ON e.tenant_id = t.id, generate_series(0, $RUNNING_EXPERIMENTS - 1) AS i
WHERE t.key = 'bench';
INSERT INTO experiment_metrics (experiment_id, metric_id, role, position)
SELECT x.id, m.id, 'primary', 0 FROM experiments x JOIN metrics m ON m.tenant_id = x.tenant_id;
SQL
  echo "$RUNNING_EXPERIMENTS running experiments on flag-0000.., each reading the batches' conversions"
fi
echo "$(machine)"
echo "PostgreSQL: $(psql_db -At -c 'SHOW server_version')"
echo "batches of $COUNTS counts + $EXPOSURES exposures + $CONVERSIONS conversions; $CONCURRENCY concurrent posters;" \
  "$ROUNDS rounds of $BATCHES batches after a warm-up"
"$JAVA" -cp "$ROOT/target/guidon.jar" \
  "$ROOT/benchmarks/control-plane/EventIngest.java" "$CP" "$SIDECAR_KEY" "$CONCURRENCY" "$BATCHES" "$ROUNDS" \
  "$COUNTS" "$EXPOSURES" "$CONVERSIONS"
echo "stored: $(psql_db -At -c "SELECT count(*) || ' batches, ' || sum(events) || ' events' FROM event_batches");" \
  "$(psql_db -At -c "SELECT count(*) FROM flag_exposures") exposure rows," \
  "$(psql_db -At -c "SELECT count(*) FROM flag_daily_totals") day-total rows," \
  "$(psql_db -At -c "SELECT count(*) FROM experiment_pending" 2>/dev/null || echo 0) events queued for experiments"
