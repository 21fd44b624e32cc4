#!/usr/bin/env bash
# Benchmark: rows per second through the export API (GET /api/v1/export/exposures, ADR 0122) over 127.0.0.1: ROWS
# (2,000,000) exposures seeded with SQL into one environment, then ROUNDS (3) exports of the whole range as one page
# in each of NDJSON, CSV and NDJSON gzip-compressed by the server (compression=gzip), read by curl into /dev/null;
# prints each round (rows/s, MB/s) and the median per format. Bounded: each request gives up after 300 s.
# Usage: benchmarks/control-plane-export.sh   (ROWS, ROUNDS, PORT may be set)
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
ROWS="${ROWS:-2000000}"; ROUNDS="${ROUNDS:-3}"

start_control_plane
echo "$(machine); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "PostgreSQL: $(psql_db -At -c 'SHOW server_version'); $ROWS exposures"
BASE="$(date -u -d '2 days ago' +%Y-%m-%dT00:00:00Z)"
psql_db <<SQL
INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag, variant, targeting_key, ordinal)
SELECT e.tenant_id, e.id, ('00000000-0000-0000-0000-' || lpad(to_hex(n / 1000), 12, '0'))::uuid,
       timestamptz '$BASE' + n * interval '1 millisecond', 'flag-' || n % 100,
       CASE WHEN n % 2 = 0 THEN 'on' ELSE 'off' END, 'user-' || (n::bigint * 7919) % 1000003, n % 1000
FROM generate_series(0, $ROWS - 1) n, environments e WHERE e.key = 'production';
ANALYZE flag_exposures;
SQL
URL="$CP/api/v1/export/exposures?environment=production&from=$BASE&limit=$ROWS"
for format in ndjson csv ndjson-gzip; do
  case "$format" in
    ndjson) q="" ;; csv) q="&format=csv" ;; ndjson-gzip) q="&compression=gzip" ;;
  esac
  rates=()
  for round in $(seq 1 "$ROUNDS"); do
    read -r t size < <(curl -sS --max-time 300 -H "Authorization: Bearer $ADMIN_KEY" -o /dev/null \
      -w '%{time_total} %{size_download}\n' "$URL$q")
    rate=$(awk -v r="$ROWS" -v t="$t" 'BEGIN {printf "%d", r / t}')
    echo "$format round $round: $ROWS rows, $((size / 1000000)) MB in ${t}s: $rate rows/s," \
      "$(awk -v s="$size" -v t="$t" 'BEGIN {printf "%.1f", s / t / 1e6}') MB/s"
    rates+=("$rate")
  done
  printf '%s\n' "${rates[@]}" | sort -n | awk -v f="$format" '{a[NR] = $1} END {print "median " f ": " a[int((NR + 1) / 2)] " rows/s"}'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
