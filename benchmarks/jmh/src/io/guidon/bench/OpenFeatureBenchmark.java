package io.guidon.bench;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.NoOpProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Value;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.openfeature.GuidonProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario A (a boolean flag on for everyone, {@code bench-static} of the same 100-flag document as
 * {@link EngineBenchmark}) evaluated in-process through OpenFeature, layer by layer, so that what each costs can be
 * told apart:
 * <ul>
 *   <li>{@code a_engineByKey}: the raw engine, looking the flag up by key as every OpenFeature call must;</li>
 *   <li>{@code a_provider}: {@link GuidonProvider#getBooleanEvaluation} called directly (the provider's own cost:
 *       the engine plus the context adapter and the {@link ProviderEvaluation});</li>
 *   <li>{@code a_sdkNoOpProvider}: the OpenFeature client with its no-op provider (the SDK's own cost: hooks,
 *       context merging, details, with no evaluation at all);</li>
 *   <li>{@code a_client} and {@code a_clientDetails}: {@code client.getBooleanValue} and
 *       {@code getBooleanDetails} with the Guidon provider (what an application pays).</li>
 * </ul>
 * Run with {@code benchmarks/run-engine.sh 'OpenFeatureBenchmark|EngineBenchmark.a_'}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class OpenFeatureBenchmark {

    private final Evaluator evaluator = new Evaluator();
    private FlagSet flags;
    private io.guidon.engine.EvaluationContext engineContext;
    private EvaluationContext context;
    private Path file;
    private GuidonProvider provider;
    private Client client;
    private Client noOpClient;

    @Setup
    public void setUp() throws Exception {
        String json = MixedDocument.json(100);
        flags = new FlagDocumentCompiler().compile(json).flagSet();
        Map<String, Object> m = new HashMap<>();
        m.put("targetingKey", "user-1");
        m.put("country", "US");
        m.put("plan", "premium");
        m.put("age", 30);
        engineContext = io.guidon.engine.EvaluationContext.of(m);
        context = new ImmutableContext("user-1", Map.of("country", new Value("US"), "plan", new Value("premium"),
                "age", new Value(30)));

        file = Files.createTempFile("guidon-bench", ".json");
        Files.writeString(file, json);
        provider = GuidonProvider.builder().flagFile(file).pollInterval(Duration.ofHours(1)).build();
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        String domain = "bench-" + UUID.randomUUID();
        api.setProviderAndWait(domain, provider);
        client = api.getClient(domain);
        String noOp = "bench-noop-" + UUID.randomUUID();
        api.setProviderAndWait(noOp, new NoOpProvider());
        noOpClient = api.getClient(noOp);
        if (!client.getBooleanValue("bench-static", false, context)) {
            throw new IllegalStateException("bench-static must be on");
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        OpenFeatureAPI.getInstance().shutdown();
        Files.deleteIfExists(file);
    }

    /** (A) The raw engine, by key. */
    @Benchmark
    public EvaluationResult a_engineByKey() {
        return evaluator.evaluate(flags, "bench-static", engineContext);
    }

    /** (A) The Guidon provider called directly, without the SDK. */
    @Benchmark
    public ProviderEvaluation<Boolean> a_provider() {
        return provider.getBooleanEvaluation("bench-static", false, context);
    }

    /** (A) The OpenFeature client with the no-op provider: what the SDK itself costs. */
    @Benchmark
    public boolean a_sdkNoOpProvider() {
        return noOpClient.getBooleanValue("bench-static", false, context);
    }

    /** (A) {@code client.getBooleanValue} with the Guidon provider. */
    @Benchmark
    public boolean a_client() {
        return client.getBooleanValue("bench-static", false, context);
    }

    /** (A) {@code client.getBooleanDetails} with the Guidon provider. */
    @Benchmark
    public FlagEvaluationDetails<Boolean> a_clientDetails() {
        return client.getBooleanDetails("bench-static", false, context);
    }
}
