#!/usr/bin/env bash
# JMH benchmarks of the engine (A-D of the foundation issue) with the GC profiler.
# Usage: benchmarks/run-engine.sh [JMH options], e.g. benchmarks/run-engine.sh -f 3 'EngineBenchmark.a_.*'
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../guidon
source "$ROOT/guidon"
find_java
cd "$ROOT"
./mvnw -B -q -Pbench -pl benchmarks/jmh -am -Dmaven.test.skip=true package dependency:build-classpath \
  -Dmdep.outputFile="$ROOT/target/bench-classpath.txt" >/dev/null
echo "JDK: $("$JAVA" -version 2>&1 | head -n 1); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)" >&2
exec "$JAVA" -cp "benchmarks/jmh/target/classes:$(cat target/bench-classpath.txt)" \
  org.openjdk.jmh.Main -prof gc -rf json -rff target/jmh-engine.json "${@:-EngineBenchmark}"
