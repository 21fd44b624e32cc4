package io.guidon.bench;

import io.guidon.common.metrics.Metrics;
import io.guidon.engine.Compilation;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.CountingEventSink;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.connected.UpstreamEventSink;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording one evaluation costs on the evaluation path, with the wrk load's pattern (bench-rule, 100,000
 * users in turn, each targeting key a fresh string as parsed from a request). A single-flag read is a count and an
 * exposure (ADR 0203): the standalone sidecar's {@link CountingEventSink} (a counter per flag and variant) against
 * connected mode's {@link UpstreamEventSink} (a count per result plus the exposure-window check of the user, every
 * user already seen: the steady state of a long load). A flag of a bulk evaluation is a count alone
 * ({@code upstreamBulkCount}). {@code baseline} is the loop alone (a fresh key). Run with
 * {@code benchmarks/run-engine.sh SinkBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class SinkBenchmark {

    private static final int USERS = 100_000;

    private EvaluationResult result;
    private char[][] keys;
    private CountingEventSink counting;
    private UpstreamEventSink upstream;
    private int i;

    @Setup
    public void setUp() {
        Compilation c = new FlagDocumentCompiler().compile(MixedDocument.json(100));
        FlagSet flags = c.flagSet();
        result = new Evaluator().evaluate(flags, "bench-rule", EvaluationContext.of(Map.of("targetingKey", "u",
                "country", "US", "plan", "premium", "age", 30)));
        FlagStore store = new FlagStore(10, Clock.systemUTC());
        store.publish(flags, 1, "benchmark");
        counting = new CountingEventSink(Metrics.newRegistry(), true);
        upstream = new UpstreamEventSink(store, 5000, 20_000, 200_000, 3_600_000, Metrics.newRegistry(), () -> { });
        keys = new char[USERS][];
        for (int k = 0; k < USERS; k++) {
            keys[k] = ("user-" + k).toCharArray();
            upstream.exposure(result, new String(keys[k]), System.currentTimeMillis()); // every user seen once
        }
    }

    private String nextKey() {
        int k = i++;
        if (i == USERS) {
            i = 0;
        }
        return new String(keys[k]);
    }

    @Benchmark
    public String baseline() {
        return nextKey();
    }

    @Benchmark
    public String countingSink() {
        String key = nextKey();
        counting.count(result);
        counting.exposure(result, key, System.currentTimeMillis());
        return key;
    }

    @Benchmark
    public String upstreamSink() {
        String key = nextKey();
        upstream.count(result);
        upstream.exposure(result, key, System.currentTimeMillis());
        return key;
    }

    /** One flag of a bulk evaluation in connected mode: a count, no exposure. */
    @Benchmark
    public String upstreamBulkCount() {
        String key = nextKey();
        upstream.count(result);
        return key;
    }
}
