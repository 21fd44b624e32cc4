package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Evaluation is a pure function of the document and the context. */
class EvaluatorProperties {

    private static final byte[] DOCUMENT = read("config/flags.json");
    private static final FlagSet ONE = new FlagDocumentCompiler().compile(DOCUMENT).flagSet();
    private static final FlagSet OTHER = new FlagDocumentCompiler().compile(DOCUMENT).flagSet();

    private static byte[] read(String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Contexts with the attributes config/flags.json targets on, each sometimes missing. */
    @Provide
    Arbitrary<Map<String, Object>> contexts() {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("user-1", "user-2", "user-9", "user-42"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(20)).injectNull(0.1);
        Arbitrary<String> email = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                Arbitraries.of("@example.com", "@guidon.io", "@guidon.dev", "@gmail.com"))
                .as(String::concat).injectNull(0.2);
        Arbitrary<String> country = Arbitraries.of("DE", "FR", "US", "JP").injectNull(0.2);
        Arbitrary<String> plan = Arbitraries.of("free", "premium", "enterprise").injectNull(0.2);
        Arbitrary<String> device = Arbitraries.of("ios", "android", "web").injectNull(0.2);
        Arbitrary<String> version = Combinators.combine(Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 3))
                .as((a, b, c) -> a + "." + b + "." + c).injectNull(0.2);
        Arbitrary<Object> signup = Arbitraries.oneOf(
                Arbitraries.longs().between(1_600_000_000_000L, 1_760_000_000_000L).map(l -> (Object) l),
                Arbitraries.of("2025-06-01", "2025-01-01T00:00:00Z", "not a date").map(s -> (Object) s))
                .injectNull(0.2);
        Arbitrary<Object> other = Arbitraries.oneOf(Arbitraries.integers().between(0, 300).map(i -> (Object) i),
                Arbitraries.of("active", "blocked", "acme", "globex").map(s -> (Object) s)).injectNull(0.2);
        return Combinators.combine(key, email, country, plan, device, version, signup, other)
                .as((k, e, c, p, d, v, s, o) -> {
                    Map<String, Object> m = new HashMap<>();
                    m.put("targetingKey", k);
                    m.put("email", e);
                    m.put("country", c);
                    m.put("plan", p);
                    m.put("deviceType", d);
                    m.put("appVersion", v);
                    m.put("signupDate", s);
                    m.put("searchesPerDay", o);
                    m.put("status", o);
                    m.put("companyId", o);
                    return m;
                });
    }

    @Property(tries = 300)
    void theSameContextGetsTheSameResultFromTheSameSet(@ForAll("contexts") Map<String, Object> attributes) {
        EvaluationContext ctx = EvaluationContext.of(attributes);
        for (Flag flag : ONE.flags()) {
            EvaluationResult first = Flags.EVALUATOR.evaluate(ONE, flag.key(), ctx);
            assertThat(Flags.EVALUATOR.evaluate(ONE, flag.key(), ctx)).isSameAs(first);
        }
    }

    @Property(tries = 300)
    void twoCompilationsOfOneDocumentAgree(@ForAll("contexts") Map<String, Object> attributes) {
        EvaluationContext ctx = EvaluationContext.of(attributes);
        for (Flag flag : ONE.flags()) {
            EvaluationResult a = Flags.EVALUATOR.evaluate(ONE, flag.key(), ctx);
            EvaluationResult b = Flags.EVALUATOR.evaluate(OTHER, flag.key(), ctx);
            assertThat(b).isNotSameAs(a);
            assertThat(b.variantKey()).as(flag.key()).isEqualTo(a.variantKey());
            assertThat(b.value()).isEqualTo(a.value());
            assertThat(b.reason()).isEqualTo(a.reason());
            assertThat(b.ruleId()).isEqualTo(a.ruleId());
            assertThat(b.errorCode()).isEqualTo(a.errorCode());
        }
    }

    @Property(tries = 300)
    void explainingChangesNothing(@ForAll("contexts") Map<String, Object> attributes) {
        EvaluationContext ctx = EvaluationContext.of(attributes);
        for (Flag flag : ONE.flags()) {
            assertThat(Flags.EVALUATOR.explain(ONE, flag.key(), ctx).result())
                    .isSameAs(Flags.EVALUATOR.evaluate(ONE, flag.key(), ctx));
        }
    }

    @Property(tries = 300)
    void everySuccessIsAnOutcomeOfTheSetAtItsIndex(@ForAll("contexts") Map<String, Object> attributes) {
        EvaluationContext ctx = EvaluationContext.of(attributes);
        for (Flag flag : ONE.flags()) {
            EvaluationResult r = Flags.EVALUATOR.evaluate(ONE, flag.key(), ctx);
            if (r.index() < 0) {
                // Only an error built by the evaluation itself is outside the set's outcomes.
                assertThat(r.isError()).as(flag.key()).isTrue();
            } else {
                assertThat(ONE.outcomes().get(r.index())).as(flag.key()).isSameAs(r);
            }
            if (!r.isError()) {
                assertThat(r.index()).as(flag.key()).isNotNegative();
            }
        }
    }

    @Property(tries = 1)
    void outcomesAreListedOnceEachAtTheirIndex() {
        for (FlagSet set : new FlagSet[] {ONE, OTHER}) {
            for (int i = 0; i < set.outcomes().size(); i++) {
                assertThat(set.outcomes().get(i).index()).isEqualTo(i);
            }
            assertThat(set.outcomes()).doesNotHaveDuplicates();
        }
        assertThat(ONE.outcomes()).hasSameSizeAs(OTHER.outcomes());
        assertThat(FlagSet.EMPTY.outcomes()).isEmpty();
    }
}
