#!/usr/bin/env bash
# Benchmark: an experiment's results (GET /api/v1/experiments/{id}/results, ADR 0119) with EXPOSURES (default
# 10,000,000) exposures and CONVERSIONS (default 10,000,000) conversions of one experiment, written straight into the
# partitioned event tables with generate_series: USERS (default 5,000,000) users, each exposed twice on average to one
# of two variants (a 50/50 split), and conversions of five events (purchase with a value, visit, click, signup, error)
# spread over the experiment's DAYS (default 13) days. Five metrics: purchase (proportion, primary), revenue (mean of
# values), revenue per visit (ratio), clicks (mean count capped at the 99th percentile) and signup within a day
# (windowed proportion). Then over HTTP: the first request (it builds the kept state, ADR 0124), a day of new events
# written as the ingest writes them and one refresh that folds them, then REPS (default 3) refreshes and 5 x REPS
# cached requests (benchmarks/control-plane/ExperimentResults.java). The server's http.request-timeout is raised to
# REQUEST_TIMEOUT (default 300s), and http.idle-timeout with it, so that a computation longer than the defaults (10 s,
# 60 s: the server writes nothing while it computes) is timed rather than answered 503 or cut off.
#
# Usage: benchmarks/control-plane-experiment-results.sh
#   EXPOSURES, CONVERSIONS, USERS, DAYS, REPS, REQUEST_TIMEOUT, PORT may be set; JAR=path runs another build; KEEP=1 leaves the
#   control plane and database up after the run.
FLAGS="${FLAGS:-1}"
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
EXPOSURES="${EXPOSURES:-10000000}"
CONVERSIONS="${CONVERSIONS:-10000000}"
USERS="${USERS:-5000000}"
DAYS="${DAYS:-13}"
REPS="${REPS:-3}"
# No background computation while timing: the replicas' refresh runs once at start (nothing to do) and not again.
export GUIDON_EXPERIMENTS_REFRESH_INTERVAL=24h
export GUIDON_HTTP_REQUEST_TIMEOUT="${REQUEST_TIMEOUT:-300s}" GUIDON_HTTP_IDLE_TIMEOUT="${REQUEST_TIMEOUT:-300s}"

start_control_plane

echo "seeding $EXPOSURES exposures and $CONVERSIONS conversions of $USERS users over $DAYS days..."
SEED_START=$(date +%s)
psql_db <<SQL
INSERT INTO metrics (tenant_id, key, name, kind, event, value_source, denominator_event, denominator_source,
                     window_seconds, direction, cap_kind, cap_value)
SELECT t.id, m.key, m.key, m.kind, m.event, m.source, m.den, m.den_source, m.window_s, 'higher_is_better', m.cap_kind,
       m.cap_value
FROM tenants t, (VALUES
  ('purchase', 'proportion', 'purchase', 'count', NULL, NULL, NULL::bigint, NULL, NULL::float8),
  ('revenue', 'mean', 'purchase', 'value', NULL, NULL, NULL, NULL, NULL),
  ('revenue_per_visit', 'ratio', 'purchase', 'value', 'visit', 'count', NULL, NULL, NULL),
  ('clicks', 'mean', 'click', 'count', NULL, NULL, NULL, 'percentile', 0.99),
  ('signup_1d', 'proportion', 'signup', 'count', NULL, NULL, 86400, NULL, NULL))
  AS m (key, kind, event, source, den, den_source, window_s, cap_kind, cap_value)
WHERE t.key = 'bench';

INSERT INTO experiments (tenant_id, environment_id, environment_key, flag_id, flag_key, key, name, control_variant,
                         variants, method, alpha, power, minimum_detectable_effect, correction, status, start_at,
                         created_by_name)
SELECT t.id, e.id, e.key, 1, 'checkout', 'checkout-test', 'Checkout test', 'off',
       '[{"key": "off", "weight": 50}, {"key": "on", "weight": 50}]', 'frequentist', 0.05, 0.8, 0.02, 'holm',
       'draft', date_trunc('day', now()) - interval '$DAYS days', 'bench'
FROM tenants t JOIN environments e ON e.tenant_id = t.id WHERE t.key = 'bench';

INSERT INTO experiment_metrics (experiment_id, metric_id, role, position)
SELECT x.id, m.id, CASE m.key WHEN 'purchase' THEN 'primary' ELSE 'secondary' END, m.id
FROM experiments x JOIN metrics m ON m.tenant_id = x.tenant_id;

-- Exposures: user u's variant is fixed by a hash of u (as bucketing does); each exposure at a random time of the
-- window (a user's first exposure is the earliest of theirs).
INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag, variant, targeting_key)
SELECT t.id, e.id, '00000000-0000-0000-0000-000000000001', x.start_at + random() * (now() - x.start_at),
       'checkout', CASE WHEN hashint4(u) % 2 = 0 THEN 'off' ELSE 'on' END, 'user-' || u
FROM tenants t JOIN environments e ON e.tenant_id = t.id JOIN experiments x ON x.tenant_id = t.id,
     LATERAL (SELECT 1 + (i % $USERS) AS u FROM generate_series(0, $EXPOSURES - 1) AS i) AS g
WHERE t.key = 'bench';

-- Conversions: a random user, one of five events (purchase 20 %, visit 40 %, click 25 %, signup 10 %, error 5 %),
-- purchases with a value; a slightly higher purchase rate for "on".
INSERT INTO conversion_events (tenant_id, environment_id, batch_id, occurred_at, targeting_key, event, value)
SELECT t.id, e.id, '00000000-0000-0000-0000-000000000002', x.start_at + random() * (now() - x.start_at),
       'user-' || u, ev, CASE WHEN ev = 'purchase' THEN round((5 + random() * 95)::numeric, 2)::float8 END
FROM tenants t JOIN environments e ON e.tenant_id = t.id JOIN experiments x ON x.tenant_id = t.id,
     LATERAL (SELECT 1 + (hashint4(i) & 2147483647) % $USERS AS u, random() AS r
              FROM generate_series(1, $CONVERSIONS) AS i) AS g,
     LATERAL (SELECT CASE WHEN g.r < 0.20 THEN 'purchase' WHEN g.r < 0.60 THEN 'visit' WHEN g.r < 0.85 THEN 'click'
                          WHEN g.r < 0.95 THEN 'signup' ELSE 'error' END AS ev) AS k
WHERE t.key = 'bench';

-- Running from here on: the events above were written while it was a draft, so that they are not queued for its
-- kept state (a state built from the raw events reads them; queuing 20 million rows would only slow the seeding).
UPDATE experiments SET status = 'running' WHERE key = 'checkout-test';

VACUUM ANALYZE flag_exposures;
VACUUM ANALYZE conversion_events;
SQL
echo "seeded in $(( $(date +%s) - SEED_START )) s: $(psql_db -tAc "SELECT (SELECT count(*) FROM flag_exposures)
  || ' exposures (' || pg_size_pretty((SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'flag_exposures'::regclass)) || '), '
  || (SELECT count(*) FROM conversion_events) || ' conversions (' || pg_size_pretty((SELECT
     sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'conversion_events'::regclass)) || ')'")"
echo "$(machine); $(psql_db -tAc 'SHOW server_version') PostgreSQL"
EXPERIMENT=$(psql_db -tAc "SELECT id FROM experiments WHERE key = 'checkout-test'")

# 1. The first request builds the experiment's kept state from the raw events (ADR 0124): what a start in the past or
#    a changed definition costs, once.
timed_results() {
  local t0 t1 body
  t0=$(date +%s%N)
  body=$(curl -sS --fail-with-body -H "Authorization: Bearer $ADMIN_KEY" "$CP/api/v1/experiments/$EXPERIMENT/results$1") \
    || { echo "$2: failed after $(( ($(date +%s%N) - t0) / 1000000 )) ms: $body"; return 0; }
  t1=$(date +%s%N)
  echo "$2: $(( (t1 - t0) / 1000000 )) ms (durationMs $(echo "$body" | sed -n 's/.*"durationMs":\([0-9]*\).*/\1/p'))"
}
timed_results "" "first request: the state built from the raw events"
echo "state: $(psql_db -tAc "SELECT count(*) || ' users, ' || pg_size_pretty(pg_total_relation_size('experiment_users'))
  FROM experiment_users")"

# 2. A day of new events as the ingest writes them (ADR 0124): into the raw tables, whose triggers queue those of the
#    running experiment in experiment_pending; NEW_EXPOSURES (default a day's share, EXPOSURES / DAYS) exposures of random users (most
#    already exposed; some first exposures earlier than the stored one, which recomputes those users) and
#    NEW_CONVERSIONS (CONVERSIONS / DAYS) conversions, over the last day. Then one refresh folds them.
NEW_EXPOSURES="${NEW_EXPOSURES:-$(( EXPOSURES / DAYS ))}"
NEW_CONVERSIONS="${NEW_CONVERSIONS:-$(( CONVERSIONS / DAYS ))}"
psql_db <<SQL
CREATE TEMP TABLE new_exposures AS
SELECT now() - random() * interval '1 day' AS t, CASE WHEN hashint4(u) % 2 = 0 THEN 'off' ELSE 'on' END AS v,
       'user-' || u AS k
FROM (SELECT 1 + (hashint4(i + 7) & 2147483647) % ($USERS + $USERS / 20) AS u
      FROM generate_series(1, $NEW_EXPOSURES) AS i) AS g;
CREATE TEMP TABLE new_conversions AS
SELECT now() - random() * interval '1 day' AS t, 'user-' || u AS k, ev,
       CASE WHEN ev = 'purchase' THEN round((5 + random() * 95)::numeric, 2)::float8 END AS val
FROM (SELECT 1 + (hashint4(i + 11) & 2147483647) % $USERS AS u, random() AS r
      FROM generate_series(1, $NEW_CONVERSIONS) AS i) AS g,
     LATERAL (SELECT CASE WHEN g.r < 0.20 THEN 'purchase' WHEN g.r < 0.60 THEN 'visit' WHEN g.r < 0.85 THEN 'click'
                          WHEN g.r < 0.95 THEN 'signup' ELSE 'error' END AS ev) AS k;
INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag, variant, targeting_key)
SELECT x.tenant_id, x.environment_id, '00000000-0000-0000-0000-000000000003', t, 'checkout', v, k
FROM new_exposures, experiments x WHERE x.key = 'checkout-test';
INSERT INTO conversion_events (tenant_id, environment_id, batch_id, occurred_at, targeting_key, event, value)
SELECT x.tenant_id, x.environment_id, '00000000-0000-0000-0000-000000000004', t, k, ev, val
FROM new_conversions, experiments x WHERE x.key = 'checkout-test';
ANALYZE experiment_pending;
SELECT count(*) AS queued FROM experiment_pending;
SQL
timed_results "?refresh=true" "a refresh folding a day of new events ($NEW_EXPOSURES exposures, $NEW_CONVERSIONS conversions)"

# 3. Refreshes with nothing new (the floor: the caps' passes over the users and the statistics), then snapshot reads.
"$JAVA" "$ROOT/benchmarks/control-plane/ExperimentResults.java" --url "$CP" --key "$ADMIN_KEY" \
  --experiment "$EXPERIMENT" --reps "$REPS" || [ -n "${KEEP:-}" ]
if [ -n "${KEEP:-}" ]; then
  echo "control plane: $CP (admin key $ADMIN_KEY), database $DB; Ctrl-C stops and drops both"
  wait "$CP_PID"
fi
