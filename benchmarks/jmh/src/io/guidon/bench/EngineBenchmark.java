package io.guidon.bench;

import io.guidon.engine.Compilation;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import java.util.HashMap;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine's evaluation cost, per the foundation issue: (A) a boolean flag on for everyone, (B) a 50 % rollout
 * over 1,024 distinct keys, (C) a three-clause rule with contexts alternating match and miss, (D) all 100 flags of
 * a mixed document for one context. Run with {@code benchmarks/run-engine.sh} (adds {@code -prof gc}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class EngineBenchmark {

    private final Evaluator evaluator = new Evaluator();
    private FlagSet flags;
    private Flag staticFlag;
    private Flag rolloutFlag;
    private Flag ruleFlag;
    private List<Flag> all;
    private EvaluationContext oneUser;
    private EvaluationContext[] distinctKeys;
    private EvaluationContext[] matchAndMiss;
    private EvaluationContext mixedContext;
    private int i;

    @Setup
    public void setUp() {
        Compilation c = new FlagDocumentCompiler().compile(MixedDocument.json(100));
        if (!c.ok()) {
            throw new IllegalStateException("benchmark document is invalid: " + c.errors());
        }
        flags = c.flagSet();
        staticFlag = flags.flag("bench-static");
        rolloutFlag = flags.flag("bench-rollout");
        ruleFlag = flags.flag("bench-rule");
        all = flags.flags();
        oneUser = context("user-1", "US", "premium", 30);
        distinctKeys = new EvaluationContext[1024];
        for (int k = 0; k < distinctKeys.length; k++) {
            distinctKeys[k] = context("user-" + k, "DE", "free", 20);
        }
        matchAndMiss = new EvaluationContext[] {
            context("user-a", "US", "premium", 30), // matches all three clauses
            context("user-b", "US", "premium", 16), // misses on the last clause
        };
        mixedContext = MixedDocument.context();
    }

    private static EvaluationContext context(String key, String country, String plan, int age) {
        Map<String, Object> m = new HashMap<>();
        m.put("targetingKey", key);
        m.put("country", country);
        m.put("plan", plan);
        m.put("age", age);
        return EvaluationContext.of(m);
    }

    /** (A) A boolean flag on for everyone. */
    @Benchmark
    public EvaluationResult a_staticOn() {
        return evaluator.evaluate(staticFlag, oneUser);
    }

    /** (B) A 50/50 rollout, the key changing on every call among 1,024. */
    @Benchmark
    public EvaluationResult b_rollout1024Keys() {
        return evaluator.evaluate(rolloutFlag, distinctKeys[(i++) & 1023]);
    }

    /** (C) country in [US, CA, GB] AND plan in [premium, enterprise] AND age >= 18, alternating match and miss. */
    @Benchmark
    public EvaluationResult c_threeClauseRule() {
        return evaluator.evaluate(ruleFlag, matchAndMiss[(i++) & 1]);
    }

    /** (D) Every flag of a 100-flag mixed document for one context (what a bulk request does). */
    @Benchmark
    public void d_all100Flags(Blackhole bh) {
        List<Flag> flagList = all;
        for (int k = 0, n = flagList.size(); k < n; k++) {
            bh.consume(evaluator.evaluate(flagList.get(k), mixedContext));
        }
    }

    /** (D') The same through key lookups, as a request naming its flags does. */
    @Benchmark
    public void d_all100FlagsByKey(Blackhole bh) {
        List<Flag> flagList = all;
        for (int k = 0, n = flagList.size(); k < n; k++) {
            bh.consume(evaluator.evaluate(flags, flagList.get(k).key(), mixedContext));
        }
    }
}
