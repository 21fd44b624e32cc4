#!/usr/bin/env bash
# Benchmark: GET /api/v1/sidecar/flags of an environment with 1000 flags under concurrent requests (wrk).
# Four runs of DURATION (default 10s) each with CONNECTIONS (default 32) connections on 2 threads: the full
# document, the full document gzipped, a 304 (If-None-Match of the current version), and a delta since the previous version.
# Usage: benchmarks/control-plane-snapshot.sh   (FLAGS, DURATION, CONNECTIONS, PORT may be set)
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"

start_control_plane
seed_flags
# One change after the seed, so that ?since=<previous> has a one-flag delta to serve.
api PUT /api/v1/environments/production/flags/flag-0001/enabled '{"enabled": false}' >/dev/null
FULL=$(curl -s -D - -o target/bench-document.json -H "Authorization: Bearer $SIDECAR_KEY" "$CP/api/v1/sidecar/flags")
ETAG=$(echo "$FULL" | sed -n 's/^ETag: *\(.*\)\r$/\1/Ip')
VERSION=${ETAG//\"/}
echo "$(machine)"
echo "document: $FLAGS flags, $(wc -c < target/bench-document.json) bytes, version $VERSION"

run() {
  echo
  echo "== $1"
  shift
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $SIDECAR_KEY" "$@"
}
run "full document" "$CP/api/v1/sidecar/flags"
run "full document, gzip (compressed once per version)" -H "Accept-Encoding: gzip" "$CP/api/v1/sidecar/flags"
run "not modified (If-None-Match: $ETAG)" -H "If-None-Match: $ETAG" "$CP/api/v1/sidecar/flags"
run "delta since $((VERSION - 1))" "$CP/api/v1/sidecar/flags?since=$((VERSION - 1))"
echo
echo "database reads for all of the above: $(curl -s "http://127.0.0.1:$MANAGEMENT_PORT/metrics" | awk '/^guidon_snapshot_loads_total/ {print $2}')"
