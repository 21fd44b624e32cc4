#!/usr/bin/env bash
# Benchmark: the admin API's latency (GET /api/v1/flags?limit=50, ADMIN_CLIENTS sequential clients) for SECONDS
# without, then with SCRAPERS concurrent scrapers of /metrics (issue 9, item 6). /metrics is read from the
# management port when the server has one (MANAGEMENT_PORT), else from the API port (builds before the port).
# CP_ROOT names the checkout whose ./guidon runs the control plane (default this one), to compare two builds.
# Usage: benchmarks/control-plane-ops-flood.sh   (FLAGS, PORT, MANAGEMENT_PORT, PHASE_SECONDS, ADMIN_CLIENTS, SCRAPERS)
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
CP_ROOT="${CP_ROOT:-$ROOT}"
SECONDS_PER_PHASE="${PHASE_SECONDS:-20}"
ADMIN_CLIENTS="${ADMIN_CLIENTS:-4}"
SCRAPERS="${SCRAPERS:-50}"
# common.sh sets GUIDON_MANAGEMENT_PORT (PORT + 100), which a build without a management port ignores.

psql_admin -c "CREATE DATABASE $DB"
ADMIN_KEY=$("$CP_ROOT/guidon" admin bootstrap --tenant bench 2>/dev/null | tail -n 1)
"$CP_ROOT/guidon" control-plane >"$ROOT/target/bench-control-plane.log" 2>&1 &
CP_PID=$!
for _ in $(seq 1 150); do curl -sf "$CP/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "$CP/readyz" >/dev/null || { cat "$ROOT/target/bench-control-plane.log" >&2; die "the control plane did not start"; }
api POST /api/v1/environments '{"key": "production"}' >/dev/null
seed_flags
METRICS="http://127.0.0.1:$MANAGEMENT_PORT/metrics"
curl -sf "$METRICS" >/dev/null 2>&1 || METRICS="$CP/metrics"
echo "$(machine)"
echo "control plane: $CP_ROOT ($(cd "$CP_ROOT" && git rev-parse --short HEAD 2>/dev/null || echo 'no git')); /metrics at $METRICS;" \
  "$FLAGS flags; $ADMIN_CLIENTS admin clients; $SECONDS_PER_PHASE s per phase"
"$JAVA" "$ROOT/benchmarks/control-plane/OpsFlood.java" "$CP" "$ADMIN_KEY" "$METRICS" "$SECONDS_PER_PHASE" \
  "$ADMIN_CLIENTS" "$SCRAPERS"
