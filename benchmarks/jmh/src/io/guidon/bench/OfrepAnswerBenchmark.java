package io.guidon.bench;

import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.guidon.sidecar.http.OfrepAnswers;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
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
 * The sidecar's bulk OFREP answer for the 200-flag {@code MixedDocument} (issue 15), without HTTP: the wrk load's
 * context (a different targeting key each time, 1,024 in turn) evaluated for every flag, then the answer built.
 * {@code evaluateOnly} is the evaluations alone; {@code textAnswer} the encoding the sidecar used before issue 15's
 * second slice (text built result by result, then UTF-8 into a buffer, as {@code end(String)} does);
 * {@code encodedAnswer} the bytes each outcome was encoded to once, copied into one buffer
 * ({@link OfrepAnswers#bulk}). The difference to {@code evaluateOnly} is the answer's own cost. Run with
 * {@code benchmarks/run-engine.sh OfrepAnswerBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class OfrepAnswerBenchmark {

    private static final int USERS = 1024;
    private static final String STREAMS_TEXT = ",\"eventStreams\":[{\"type\":\"sse\",\"url\":"
            + "\"http://localhost:7070/ofrep/v1/stream\"}]";
    private static final byte[] STREAMS = STREAMS_TEXT.getBytes(StandardCharsets.UTF_8);

    private final Evaluator evaluator = new Evaluator();
    private Snapshot snapshot;
    private OfrepAnswers answers;
    private List<Flag> flags;
    private EvaluationContext[] contexts;
    private EvaluationResult[] results;
    private int i;

    @Setup
    public void setUp() {
        FlagSet set = new FlagDocumentCompiler().compile(MixedDocument.json(200)).flagSet();
        FlagStore store = new FlagStore(10, Clock.systemUTC());
        snapshot = store.publish(set, "benchmark");
        answers = new OfrepAnswers(store);
        flags = set.flags();
        results = new EvaluationResult[flags.size()];
        contexts = new EvaluationContext[USERS];
        for (int u = 0; u < USERS; u++) {
            contexts[u] = MixedDocument.context("user-" + u);
        }
    }

    private int evaluate() {
        EvaluationContext ctx = contexts[i++ & (USERS - 1)];
        for (int f = 0, n = flags.size(); f < n; f++) {
            results[f] = evaluator.evaluate(flags.get(f), ctx);
        }
        return flags.size();
    }

    @Benchmark
    public EvaluationResult evaluateOnly() {
        evaluate();
        return results[results.length - 1];
    }

    @Benchmark
    public Buffer textAnswer() {
        int n = evaluate();
        return Buffer.buffer(OfrepAnswers.bulkText(results, n, STREAMS_TEXT));
    }

    @Benchmark
    public Buffer encodedAnswer() {
        int n = evaluate();
        return answers.bulk(snapshot, results, n, STREAMS);
    }
}
