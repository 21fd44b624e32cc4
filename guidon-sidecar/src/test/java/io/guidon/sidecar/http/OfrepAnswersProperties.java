package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.engine.Compilation;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The encoded answers ({@link OfrepAnswers}) are the text answers ({@link OfrepAnswers#bulkText}, the encoding they
 * replaced) byte for byte, and decode to the same JSON, on random documents (every flag type, values and metadata
 * with escapes and non-ASCII text, disabled flags, targets, rules, rollouts, prerequisites) and random contexts
 * (with and without a targeting key, so that rollouts also give their load-time error): the first answer with
 * each outcome (encoded then), the next ones (from the kept encodings), an answer from a set that is no longer
 * served (encoded as it goes), each with and without the request's own members ({@code eventStreams}); and a
 * single flag's answer, a flag not found included.
 */
class OfrepAnswersProperties {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Evaluator EVALUATOR = new Evaluator();
    private static final String[] TYPES = {"boolean", "string", "number", "object"};

    @Provide
    Arbitrary<Map<String, Object>> documents() {
        // Any text a document may hold: no NUL, no unpaired surrogate (the compiler refuses both).
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0001', '\ud7ff').withCharRange('\ue000', '\uffff')
                        .ofMaxLength(12),
                Arbitraries.of("é", "日本", "\"quoted\"", "back\\slash", "line\nbreak", "tab\t", "😀", "</script>",
                        "\u2028", "\u0001"));
        Arbitrary<Map<String, Object>> flag = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(2, 4), text.list().ofSize(4), Arbitraries.integers().between(0, 5),
                Arbitraries.doubles().between(-1e6, 1e6).list().ofSize(4), Arbitraries.of(true, true, false),
                text, Arbitraries.integers().between(0, 99))
                .as((type, variantCount, texts, shape, numbers, enabled, metaText, share) -> flag(
                        TYPES[type], variantCount, texts, shape, numbers, enabled, metaText, share));
        return flag.list().ofMinSize(1).ofMaxSize(12).map(flags -> {
            Map<String, Object> byKey = new LinkedHashMap<>();
            for (int i = 0; i < flags.size(); i++) {
                Map<String, Object> f = flags.get(i);
                if (i > 0 && (int) f.remove("shape") == 5) {
                    // A prerequisite on the previous flag, served when its first variant is.
                    f.put("prerequisites", List.of(Map.of("flag", "flag-" + (i - 1), "variant", "v0")));
                }
                f.remove("shape");
                byKey.put("flag-" + i, f);
            }
            return Map.of("flags", byKey);
        });
    }

    private static Map<String, Object> flag(String type, int variantCount, List<String> texts, int shape,
            List<Double> numbers, boolean enabled, String metaText, int share) {
        Map<String, Object> variants = new LinkedHashMap<>();
        for (int v = 0; v < variantCount; v++) {
            variants.put("v" + v, switch (type) {
                case "boolean" -> v % 2 == 0;
                case "string" -> texts.get(v);
                case "number" -> v == 0 ? (Object) 7 : numbers.get(v);
                default -> Map.of("label", texts.get(v), "n", numbers.get(v), "list", List.of(v, texts.get(v)));
            });
        }
        if (type.equals("boolean")) {
            variants.keySet().retainAll(List.of("v0", "v1"));
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("enabled", enabled);
        f.put("variants", variants);
        f.put("offVariant", "v1");
        f.put("metadata", Map.of("owner", metaText, "weight", share, "beta", share % 2 == 0));
        Map<String, Object> rollout = Map.of("rollout", Map.of("v0", share, "v1", 100 - share));
        switch (shape) {
            case 0 -> f.put("fallthrough", Map.of("variant", "v0"));
            case 1 -> f.put("fallthrough", rollout);
            case 2 -> {
                f.put("targets", List.of(Map.of("variant", "v0", "values", List.of("user-1", "user-2"))));
                f.put("fallthrough", Map.of("variant", "v1"));
            }
            default -> {
                f.put("rules", List.of(
                        Map.of("id", "plans", "when", Map.of("attribute", "plan", "op", "in",
                                "values", List.of("premium", "enterprise")), "serve", Map.of("variant", "v0")),
                        Map.of("id", "split", "when", Map.of("attribute", "country", "op", "in",
                                "values", List.of("FR", "DE")), "serve", rollout)));
                f.put("fallthrough", Map.of("variant", "v1"));
            }
        }
        f.put("shape", shape);
        return f;
    }

    @Provide
    Arbitrary<List<Map<String, Object>>> contexts() {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("user-1", "user-2", "user-3"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(10)).injectNull(0.2);
        Arbitrary<String> plan = Arbitraries.of("free", "premium", "enterprise").injectNull(0.2);
        Arbitrary<String> country = Arbitraries.of("FR", "DE", "US").injectNull(0.2);
        return Combinators.combine(key, plan, country).as((k, p, c) -> {
            Map<String, Object> m = new HashMap<>();
            m.put("targetingKey", k);
            m.put("plan", p);
            m.put("country", c);
            return m;
        }).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 100)
    void theEncodedAnswersAreTheTextAnswersByteForByte(@ForAll("documents") Map<String, Object> document,
            @ForAll("contexts") List<Map<String, Object>> contexts, @ForAll boolean withStreams) throws Exception {
        String more = withStreams ? ",\"eventStreams\":[{\"type\":\"sse\",\"url\":\"http://localhost:7070/ofrep/v1/stream\"}]"
                : "";
        byte[] moreBytes = more.getBytes(StandardCharsets.UTF_8);
        Compilation compiled = new FlagDocumentCompiler().compile(JSON.writeValueAsBytes(document));
        assertThat(compiled.errors()).isEmpty();
        FlagStore store = new FlagStore(10, Clock.systemUTC());
        Snapshot snapshot = store.publish(compiled.flagSet(), "test");
        OfrepAnswers answers = new OfrepAnswers(store);
        for (Map<String, Object> attributes : contexts) {
            EvaluationContext ctx = EvaluationContext.of(attributes);
            EvaluationResult[] results = evaluate(snapshot.flags(), ctx);
            String expected = OfrepAnswers.bulkText(results, results.length, more);
            // Twice: the first answer encodes its outcomes, the second reads them back.
            for (int i = 0; i < 2; i++) {
                sameAnswer(answers.bulk(snapshot, results, results.length, moreBytes), expected);
            }
            for (EvaluationResult r : results) {
                sameAnswer(answers.single(snapshot, r), OfrepAnswers.text(new StringBuilder(), r).toString());
            }
            EvaluationResult missing = EVALUATOR.evaluate(snapshot.flags(), "no-such-flag", ctx);
            sameAnswer(answers.single(snapshot, missing), OfrepAnswers.text(new StringBuilder(), missing).toString());
        }
        // A reload: the old set's requests still in flight encode as they go; the new set gets its own encodings.
        Snapshot next = store.replace(new FlagDocumentCompiler().compile(JSON.writeValueAsBytes(document)).flagSet(),
                snapshot.version() + 1, "test");
        for (Map<String, Object> attributes : contexts) {
            EvaluationContext ctx = EvaluationContext.of(attributes);
            for (Snapshot s : new Snapshot[] {snapshot, next}) {
                EvaluationResult[] results = evaluate(s.flags(), ctx);
                sameAnswer(answers.bulk(s, results, results.length, moreBytes),
                        OfrepAnswers.bulkText(results, results.length, more));
            }
        }
    }

    private static EvaluationResult[] evaluate(FlagSet flags, EvaluationContext ctx) {
        List<EvaluationResult> out = new ArrayList<>();
        for (Flag f : flags.flags()) {
            out.add(EVALUATOR.evaluate(f, ctx));
        }
        return out.toArray(new EvaluationResult[0]);
    }

    private static void sameAnswer(Buffer encoded, String text) throws Exception {
        byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        assertThat(encoded.getBytes()).isEqualTo(expected);
        assertThat(JSON.readTree(encoded.getBytes())).isEqualTo(JSON.readTree(expected));
    }
}
