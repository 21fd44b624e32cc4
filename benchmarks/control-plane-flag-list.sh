#!/usr/bin/env bash
# Benchmark: the admin UI's flag list (service.FlagOverviewService) on a tenant of FLAGS (default 5000) flags in
# three environments (production, staging, dev: tags, targets, rules, variants and rollouts), with DAYS (default 90)
# days of exposure totals and, for the other tenants of a shared server, NOISE_ENVIRONMENTS (default 30) more
# environments' totals of today and yesterday. Times the server-side read of the first page, of searches as they are
# typed, the tag filter, each sort and a deep page: REPS (default 31) rounds after WARMUP (default 10), every case
# once per round, median and p90 per case (benchmarks/control-plane/FlagList.java).
#
# Usage: benchmarks/control-plane-flag-list.sh
#   FLAGS, DAYS, NOISE_ENVIRONMENTS, REPS, WARMUP, PORT may be set; JAR=path runs another build; RAW_COUNTS=12 also
#   times the exact sum of the last 24 hours from per-minute counts (see below).
#   URL=... also times HTTP GETs of the page over loopback, the same cases with the placeholders {q} {tag} {sort}
#   {direction} {page} {pageSize} filled in (a case needing a placeholder the URL lacks is skipped), e.g.
#     URL='/ui/flags?q={q}&tag={tag}&sort={sort}&direction={direction}&page={page}&pageSize={pageSize}' \
#     HEADER="Cookie: guidon_session=..." benchmarks/control-plane-flag-list.sh
#   (a URL starting with / goes to this run's control plane; HEADER defaults to the tenant's admin key).
#   UI=1 also times the admin UI's flag list itself, signed in: the script signs in through the sign-in form with
#   the tenant's admin key (a real UI session) and GETs /ui/flags with each case's parameters ({page1}: the UI counts
#   pages from 1), first as whole pages (a load, a reload, a bookmark), then as the htmx requests that search as you
#   type, sort and page send (HX-Request: true; the results fragment), over loopback. With
#   KEEP=1 the control plane and database stay up after the run, also a failed one (Ctrl-C stops and drops them), to
#   point a browser, psql or another client at them.
FLAGS="${FLAGS:-5000}"   # before common.sh, whose default is 1000
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
DAYS="${DAYS:-90}"
NOISE_ENVIRONMENTS="${NOISE_ENVIRONMENTS:-30}"
REPS="${REPS:-31}"
WARMUP="${WARMUP:-10}"

start_control_plane
api POST /api/v1/environments '{"key": "staging"}' >/dev/null
api POST /api/v1/environments '{"key": "dev"}' >/dev/null

# Flags straight into the tables (through the API each would revalidate a growing document in three environments):
# keys like checkout-flow-0042 (ten areas x eight kinds), descriptions naming a team, an area and a platform, two or
# three tags; one flag in ten a string flag with three variants. Per environment: on for about 70 %, fallthrough
# a variant (1 in 4) or a rollout (two or three variants), 0-3 rules of two clauses, and for a third of the flags a
# target list of 1-50 keys.
seed_flag_list() {
  psql_db <<SQL
INSERT INTO flags (tenant_id, key, description, tags, variants, updated_at)
SELECT t.id,
       (ARRAY['checkout','search','onboarding','billing','profile','payments','notifications','pricing','cart',
              'settings'])[1 + i % 10]
         || '-' || (ARRAY['banner','flow','v2','experiment','redesign','killswitch','beta','rollout'])[1 + (i / 10) % 8]
         || '-' || lpad(i::text, 4, '0'),
       'Team ' || (i % 20) || ': ' || (ARRAY['new','faster','simpler','experimental','legacy'])[1 + i % 5] || ' '
         || (ARRAY['checkout','search','onboarding','billing','profile','payments','notifications','pricing','cart',
                   'settings'])[1 + i % 10] || ' for ' || (ARRAY['web','iOS','Android','the public API'])[1 + i % 4],
       ARRAY['team-' || (i % 20), (ARRAY['web','ios','android','backend'])[1 + i % 4]]
         || CASE WHEN i % 7 = 0 THEN ARRAY['experiment'] ELSE '{}'::text[] END,
       CASE WHEN i % 10 = 0 THEN '{"control": "blue", "green": "green", "red": "red"}'
            ELSE '{"on": true, "off": false}' END::jsonb,
       now() - make_interval(mins => i)
FROM generate_series(1, $FLAGS) AS i, tenants t WHERE t.key = 'bench';

INSERT INTO flag_configs (environment_id, flag_id, tenant_id, config, updated_at)
SELECT e.id, f.id, f.tenant_id, jsonb_build_object(
         'enabled', (f.id + e.id) % 10 < 7,
         'offVariant', CASE WHEN mv THEN 'control' ELSE 'off' END,
         'targets', CASE WHEN f.id % 3 = 0 THEN jsonb_build_array(jsonb_build_object(
             'variant', CASE WHEN mv THEN 'green' ELSE 'on' END,
             'values', (SELECT jsonb_agg('user-' || f.id || '-' || j) FROM generate_series(1, 1 + f.id % 50) AS j)))
           ELSE '[]'::jsonb END,
         'rules', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', 'rule-' || r,
             'when', jsonb_build_object('all', jsonb_build_array(
               jsonb_build_object('attribute', 'country', 'op', 'in', 'values', jsonb_build_array('DE', 'FR', 'IT')),
               jsonb_build_object('attribute', 'plan', 'op', 'in', 'values', jsonb_build_array('pro', 'team')))),
             'serve', jsonb_build_object('variant', CASE WHEN mv THEN 'red' ELSE 'on' END))), '[]'::jsonb)
           FROM generate_series(1, (f.id + e.id) % 4) AS r),
         'fallthrough', CASE
           WHEN (f.id + e.id) % 4 = 0 THEN jsonb_build_object('variant', CASE WHEN mv THEN 'control' ELSE 'on' END)
           WHEN mv THEN jsonb_build_object('rollout', jsonb_build_object('control', 34, 'green', 33, 'red', 33))
           ELSE jsonb_build_object('rollout', jsonb_build_object('on', (f.id * 7 + e.id) % 101,
                                                                 'off', 100 - (f.id * 7 + e.id) % 101)) END),
       now() - make_interval(mins => ((f.id * 13 + e.id * 7) % 100000)::int)
FROM (SELECT *, variants ? 'control' AS mv FROM flags) AS f
JOIN environments e ON e.tenant_id = f.tenant_id
JOIN tenants t ON t.id = f.tenant_id AND t.key = 'bench';

-- Exposure totals: 4 flags in 5 have traffic in every environment, on every variant; DAYS days before today in
-- one row each (folded by the maintenance), today in eight stripes (not folded until the day is over).
INSERT INTO flag_daily_totals (tenant_id, environment_id, flag, day, variant, stripe, evaluations, exposures)
SELECT f.tenant_id, e.id, f.key, d.day, v.variant, s.stripe,
       1 + abs(hashtext(f.key || d.day || v.variant || s.stripe)::bigint) % (10 + (f.id % 97) * 1000),
       abs(hashtext(d.day || f.key)::bigint) % 500
FROM flags f
JOIN environments e ON e.tenant_id = f.tenant_id
JOIN tenants t ON t.id = f.tenant_id AND t.key = 'bench'
CROSS JOIN LATERAL jsonb_object_keys(f.variants) AS v (variant)
CROSS JOIN LATERAL (SELECT g::date AS day FROM generate_series(current_date - $DAYS, current_date, '1 day') AS g) AS d
CROSS JOIN LATERAL generate_series(0, CASE WHEN d.day = current_date THEN 7 ELSE 0 END) AS s (stripe)
WHERE f.id % 5 <> 0
ORDER BY d.day;  -- as the days came: a day's rows lie together, the recent ones at the end of the table

-- Other tenants' traffic of today and yesterday on the same server (their environments' ids are far beyond ours).
INSERT INTO flag_daily_totals (tenant_id, environment_id, flag, day, variant, stripe, evaluations, exposures)
SELECT 0, 1000000 + n, f.key, d.day, v.variant, s.stripe, 1 + abs(hashtext(f.key || n)::bigint) % 100000, 0
FROM generate_series(1, $NOISE_ENVIRONMENTS) AS n
CROSS JOIN flags f
CROSS JOIN LATERAL jsonb_object_keys(f.variants) AS v (variant)
CROSS JOIN (VALUES (current_date - 1), (current_date)) AS d (day)
CROSS JOIN LATERAL generate_series(0, CASE WHEN d.day = current_date THEN 7 ELSE 0 END) AS s (stripe)
WHERE f.id % 5 <> 0;

VACUUM ANALYZE flags;
VACUUM ANALYZE flag_configs;
VACUUM ANALYZE flag_daily_totals;
SQL
}

echo "seeding $FLAGS flags in 3 environments, $DAYS days of totals, $NOISE_ENVIRONMENTS other environments..."
SEED_START=$(date +%s)
seed_flag_list
echo "seeded in $(( $(date +%s) - SEED_START )) s: $(psql_db -tAc "SELECT (SELECT count(*) FROM flags) || ' flags, '
  || (SELECT count(*) FROM flag_configs) || ' configurations ('
  || (SELECT pg_size_pretty(pg_total_relation_size('flag_configs'))) || '), '
  || (SELECT count(*) FROM flag_daily_totals) || ' day-total rows ('
  || (SELECT pg_size_pretty(pg_total_relation_size('flag_daily_totals'))) || ')'")"
echo "$(machine); $(psql_db -tAc 'SHOW server_version') PostgreSQL"

CLIENT="${CLIENT_JAR:-$ROOT/target/guidon.jar}"
"$JAVA" -cp "$CLIENT" "$ROOT/benchmarks/control-plane/FlagList.java" --tenant bench --reps "$REPS" --warmup "$WARMUP" \
  || [ -n "${KEEP:-}" ]
# RAW_COUNTS=N: the exact alternative, for comparison. Per-minute counts as N drains a minute of one sidecar per
# environment send them (12: one sidecar flushing every 5 s, the default) for the 50 flags of the first page, over the
# last 24 hours; then the exact sum of the page's last 24 hours from them, timed in psql (median of 5).
if [ -n "${RAW_COUNTS:-}" ]; then
  echo
  echo "raw per-minute counts: $RAW_COUNTS drains a minute, one sidecar per environment, the first page's 50 flags..."
  psql_db <<SQL
INSERT INTO flag_evaluation_counts (tenant_id, environment_id, batch_id, minute, flag, variant, count)
SELECT f.tenant_id, e.id, gen_random_uuid(), date_trunc('minute', now()) - make_interval(mins => m), f.key, v.variant,
       1 + (m + d) % 7
FROM (SELECT * FROM flags ORDER BY key COLLATE "C" LIMIT 50) AS f
JOIN environments e ON e.tenant_id = f.tenant_id
CROSS JOIN LATERAL jsonb_object_keys(f.variants) AS v (variant)
CROSS JOIN generate_series(0, 1439) AS m
CROSS JOIN generate_series(1, $RAW_COUNTS) AS d;
VACUUM ANALYZE flag_evaluation_counts;
SQL
  echo "$(psql_db -tAc "SELECT count(*) FROM flag_evaluation_counts") rows"
  EXACT="SELECT c.flag, sum(c.count) FROM flag_evaluation_counts c WHERE c.environment_id IN (SELECT id FROM environments)
    AND c.flag IN (SELECT key FROM flags ORDER BY key COLLATE \"C\" LIMIT 50) AND c.minute >= now() - interval '24 hours'
    GROUP BY c.flag;"
  for _ in 1 2 3 4 5 6; do echo "$EXACT"; done >"$ROOT/target/bench-exact.sql"
  psql_db -c '\timing on' -f "$ROOT/target/bench-exact.sql" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 5 | sort -n \
    | sed -n 3p | xargs printf 'exact sum of the first page over the last 24 h from per-minute counts: median %s ms\n'
fi
if [ -n "${URL:-}" ]; then
  case "$URL" in /*) URL="$CP$URL" ;; esac
  "$JAVA" -cp "$CLIENT" "$ROOT/benchmarks/control-plane/FlagList.java" --url "$URL" \
    --header "${HEADER:-Authorization: Bearer $ADMIN_KEY}" --reps "$REPS" --warmup "$WARMUP" || [ -n "${KEEP:-}" ]
fi
if [ -n "${UI:-}" ]; then
  # A UI session as a browser gets one: the sign-in form's token (also in its cookie), then the form posted.
  JAR_FILE="$ROOT/target/bench-ui-cookies.txt"
  FORM_TOKEN=$(curl -sS -c "$JAR_FILE" "$CP/ui/sign-in" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -sS -b "$JAR_FILE" -c "$JAR_FILE" -o /dev/null --data-urlencode "csrf=$FORM_TOKEN" \
    --data-urlencode "key=$ADMIN_KEY" --data-urlencode "next=/ui/flags" "$CP/ui/sign-in"
  SESSION=$(awk '$6 == "guidon_session" {print $7}' "$JAR_FILE")
  rm -f "$JAR_FILE"
  [ -n "$SESSION" ] || die "signing in to the UI failed"
  UI_URL="$CP/ui/flags?q={q}&tag={tag}&sort={sort}&direction={direction}&page={page1}&pageSize={pageSize}"
  echo
  echo "admin UI, whole pages:"
  "$JAVA" -cp "$CLIENT" "$ROOT/benchmarks/control-plane/FlagList.java" --url "$UI_URL" \
    --header "Cookie: guidon_session=$SESSION" --reps "$REPS" --warmup "$WARMUP" || [ -n "${KEEP:-}" ]
  echo
  echo "admin UI, htmx results fragments (search as you type, sort, page):"
  "$JAVA" -cp "$CLIENT" "$ROOT/benchmarks/control-plane/FlagList.java" --url "$UI_URL" \
    --header "Cookie: guidon_session=$SESSION" --header "HX-Request: true" --reps "$REPS" --warmup "$WARMUP" \
    || [ -n "${KEEP:-}" ]
fi
if [ -n "${KEEP:-}" ]; then
  echo "control plane: $CP (admin key $ADMIN_KEY), database $DB; Ctrl-C stops and drops both"
  wait "$CP_PID"
fi
