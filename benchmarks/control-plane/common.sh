#!/usr/bin/env bash
# Shared by the control-plane benchmarks: a database of its own, a control plane started from target/guidon.jar
# (through ./guidon, which builds it when needed), a tenant "bench" with an environment "production" holding
# FLAGS flags (default 1000) seeded with SQL, and cleanup of everything on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_JAR="${JAR:-}"   # read before ./guidon (sourced next) sets JAR to its own
# shellcheck source=../../guidon
source "$ROOT/guidon"
find_java

PGHOST="${GUIDON_TEST_PG_HOST:-127.0.0.1}"; PGPORT="${GUIDON_TEST_PG_PORT:-5432}"
PGUSER="${GUIDON_TEST_PG_USER:-postgres}"; export PGPASSWORD="${GUIDON_TEST_PG_PASSWORD:-postgres}"
REDIS_HOST="${GUIDON_TEST_REDIS_HOST:-127.0.0.1}"; REDIS_PORT="${GUIDON_TEST_REDIS_PORT:-6379}"
FLAGS="${FLAGS:-1000}"
PORT="${PORT:-18181}"
MANAGEMENT_PORT="${MANAGEMENT_PORT:-$((PORT + 100))}"   # the control plane's /metrics, /healthz, /readyz
DB="guidon_bench_$(date +%s)_$$"
CP="http://127.0.0.1:$PORT"
PREFIX="guidon-bench-$$"
CP_PID=""

export GUIDON_DATABASE_URL="postgresql://$PGHOST:$PGPORT/$DB"
export GUIDON_DATABASE_USER="$PGUSER" GUIDON_DATABASE_PASSWORD="$PGPASSWORD"
export GUIDON_REDIS_URL="redis://$REDIS_HOST:$REDIS_PORT" GUIDON_REDIS_PREFIX="$PREFIX"
export GUIDON_RATE_LIMIT_PER_KEY=1000000000 GUIDON_HTTP_PORT="$PORT" GUIDON_HTTP_HOST=127.0.0.1
export GUIDON_MANAGEMENT_PORT="$MANAGEMENT_PORT"
export GUIDON_LOG_LEVEL="${GUIDON_LOG_LEVEL:-WARN}"

psql_admin() { psql -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -v ON_ERROR_STOP=1 "$@"; }
psql_db() { psql -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$DB" -v ON_ERROR_STOP=1 "$@"; }

cleanup() {
  if [ -n "$CP_PID" ]; then kill "$CP_PID" 2>/dev/null || true; wait "$CP_PID" 2>/dev/null || true; fi
  psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# JAR=path runs another build of the control plane (to compare two builds in one session), with the JVM options
# ./guidon gives it; unset, ./guidon runs target/guidon.jar (building it when needed). exec: the background
# server's pid is the JVM's, so that cleanup stops it.
guidon_cmd() {
  if [ -z "$BENCH_JAR" ]; then
    exec "$ROOT/guidon" "$@"
  elif [ "$1" = control-plane ]; then
    # shellcheck disable=SC2046
    exec "$JAVA" $(server_java_opts control-plane) -jar "$BENCH_JAR" "$@"
  else
    exec "$JAVA" -jar "$BENCH_JAR" "$@"
  fi
}

start_control_plane() {
  psql_admin -c "CREATE DATABASE $DB"
  if [ -n "$BENCH_JAR" ]; then echo "control plane jar: $BENCH_JAR ($(sha256sum "$BENCH_JAR" | cut -c1-12))"; fi
  ADMIN_KEY=$( (guidon_cmd admin bootstrap --tenant bench) 2>/dev/null | tail -n 1)
  (guidon_cmd control-plane) >"$ROOT/target/bench-control-plane.log" 2>&1 &
  CP_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "$CP/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf "$CP/readyz" >/dev/null || { cat "$ROOT/target/bench-control-plane.log" >&2; die "the control plane did not start"; }
  api POST /api/v1/environments '{"key": "production"}' >/dev/null
  SIDECAR_KEY=$(api POST /api/v1/keys '{"name": "bench sidecar", "role": "sidecar", "environment": "production"}' \
    | sed -n 's/.*"key":"\(gdn_[^"]*\)".*/\1/p')
}

api() {
  curl -sS --fail-with-body -X "$1" -H "Authorization: Bearer $ADMIN_KEY" -H "Content-Type: application/json" \
    "$CP$2" ${3:+-d "$3"}
}

# FLAGS flags with targets, a two-clause rule and a percentage rollout each, straight into the tables (creating
# them through the API would spend minutes revalidating a growing document 1000 times); then one version bump.
seed_flags() {
  psql_db <<SQL
INSERT INTO flags (tenant_id, key, description, tags, variants)
SELECT t.id, 'flag-' || lpad(i::text, 4, '0'), 'Benchmark flag ' || i, ARRAY['bench', 'team-' || (i % 10)],
       '{"on": true, "off": false}'::jsonb
FROM generate_series(1, $FLAGS) AS i, tenants t WHERE t.key = 'bench';
INSERT INTO flag_configs (environment_id, flag_id, tenant_id, config)
SELECT e.id, f.id, f.tenant_id, jsonb_build_object(
  'enabled', true, 'offVariant', 'off',
  'targets', jsonb_build_array(jsonb_build_object('variant', 'on', 'values', jsonb_build_array('user-' || f.id, 'user-x' || f.id))),
  'rules', jsonb_build_array(jsonb_build_object('id', 'eu-pro', 'when', jsonb_build_object('all', jsonb_build_array(
      jsonb_build_object('attribute', 'country', 'op', 'in', 'values', jsonb_build_array('DE', 'FR', 'IT')),
      jsonb_build_object('attribute', 'plan', 'op', 'in', 'values', jsonb_build_array('pro', 'enterprise')))),
    'serve', jsonb_build_object('variant', 'on'))),
  'fallthrough', jsonb_build_object('rollout', jsonb_build_object('on', 25, 'off', 75)))
FROM flags f JOIN environments e ON e.tenant_id = f.tenant_id AND e.key = 'production'
WHERE NOT EXISTS (SELECT 1 FROM flag_configs c WHERE c.flag_id = f.id AND c.environment_id = e.id);
UPDATE environments SET version = version + 1, log_floor = version + 1 WHERE key = 'production';
SQL
}

machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); JDK: $("$JAVA" -version 2>&1 | head -n 1); $(date -u +%Y-%m-%dT%H:%MZ)"
}
