package io.guidon.bench;

import com.sun.net.httpserver.HttpServer;
import io.guidon.common.metrics.Metrics;
import io.guidon.engine.Compilation;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.sidecar.CountingEventSink;
import io.guidon.sidecar.Evaluations;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.SidecarMetrics;
import io.guidon.sidecar.Snapshot;
import io.guidon.telemetry.EvaluationEvents;
import io.guidon.telemetry.OtlpEvaluationEvents;
import io.guidon.telemetry.TelemetryConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What OpenTelemetry evaluation events (ADR 0205) cost the sidecar's single-flag read: {@link Evaluations#read}
 * (engine, metrics, event sink, exposure) on bench-rule of the 100-flag {@link MixedDocument}, 1,024 users in turn,
 * with events off ({@code readEventsOff}: the path every sidecar without {@code otel.enabled} runs) and on
 * ({@code readEventsOn}: handed to an {@link OtlpEvaluationEvents} whose thread exports to a loopback HTTP server that
 * answers 200, as a collector does). The benchmark loop evaluates far faster than any export can follow, so the
 * queue is full most of the time and most hand-offs are drops: both the hand-off and the drop are measured, and
 * the share of each is printed at the end. Run with {@code benchmarks/run-engine.sh EvaluationEventsBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class EvaluationEventsBenchmark {

    private static final int USERS = 1024;

    private FlagStore store;
    private Snapshot snapshot;
    private EvaluationContext[] contexts;
    private Evaluations off;
    private Evaluations on;
    private OtlpEvaluationEvents events;
    private HttpServer collector;

    @State(Scope.Thread)
    public static class Cursor {
        int i;

        EvaluationContext next(EvaluationContext[] contexts) {
            int k = i++ & (USERS - 1);
            return contexts[k];
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Compilation c = new FlagDocumentCompiler().compile(MixedDocument.json(100));
        store = new FlagStore(10, Clock.systemUTC());
        snapshot = store.publish(c.flagSet(), 1, "benchmark");
        contexts = new EvaluationContext[USERS];
        for (int k = 0; k < USERS; k++) {
            contexts[k] = EvaluationContext.of(Map.of("targetingKey", "user-" + k, "country", "US",
                    "plan", "premium", "age", 30));
        }
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/logs", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        events = new OtlpEvaluationEvents(TelemetryConfig.defaults("bench")
                .withEndpoint(URI.create("http://127.0.0.1:" + collector.getAddress().getPort())),
                "guidon", "io.guidon.bench", () -> "bench/prod", Map.of());
        off = evaluations(EvaluationEvents.OFF);
        on = evaluations(events);
    }

    private Evaluations evaluations(EvaluationEvents otel) {
        PrometheusMeterRegistry registry = Metrics.newRegistry();
        return new Evaluations(new Evaluator(), new CountingEventSink(registry, true),
                new SidecarMetrics(registry, store, true, Clock.systemUTC()), otel);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        events.close();
        collector.stop(0);
        long total = events.exported() + events.dropped() + events.failed();
        System.err.printf("%nevents: %d exported, %d dropped (%.1f %%), %d failed%n", events.exported(),
                events.dropped(), 100.0 * events.dropped() / Math.max(1, total), events.failed());
    }

    @Benchmark
    public EvaluationResult readEventsOff(Cursor cursor) {
        return off.read(snapshot, "bench-rule", cursor.next(contexts));
    }

    @Benchmark
    public EvaluationResult readEventsOn(Cursor cursor) {
        return on.read(snapshot, "bench-rule", cursor.next(contexts));
    }
}
