#!/usr/bin/env bash
# Benchmark: latency of a flag update in an environment of 1000 flags, from the admin's request to its commit
# (the HTTP response) and to the change notification received by a Redis subscriber. UPDATES (default 300)
# sequential toggles, after 30 warm-up ones; then as many sequential reads of the flag in the environment and of a
# page of 50 flag definitions (the admin API's reads).
# Usage: benchmarks/control-plane-update-latency.sh   (FLAGS, UPDATES, PORT may be set; JAR=path runs another build)
source "$(dirname "${BASH_SOURCE[0]}")/control-plane/common.sh"
UPDATES="${UPDATES:-300}"

start_control_plane
seed_flags
echo "$(machine)"
echo "environment: $FLAGS flags; $UPDATES updates"
"$JAVA" -cp "${CLIENT_JAR:-$ROOT/target/guidon.jar}" "$ROOT/benchmarks/control-plane/UpdateLatency.java" \
  "$CP" "$ADMIN_KEY" "redis://$REDIS_HOST:$REDIS_PORT" "$PREFIX:changes:bench:production" "$UPDATES"
