package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The compiler's worst-case evaluation cost is exact and bounds evaluation: on random valid documents it equals a
 * brute-force count that expands every segment reference and prerequisite of the document's JSON, it stays within
 * the limit, and no evaluation reads the context more often than the cost allows (each clause reads one attribute,
 * each segment test and each flag's targets and rollout the targeting key or bucketing attribute).
 */
class EvaluationCostProperties {

    private static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();

    @Property(tries = 300)
    void theComputedCostIsTheBruteForceCountAndBoundsEveryEvaluation(@ForAll Random random) {
        ObjectNode document = NeverThrowsProperties.validDocument(random);
        Compilation c = COMPILER.compile(document);
        assertThat(c.errors()).isEmpty();
        FlagSet set = c.flagSet();
        Evaluator evaluator = new Evaluator();
        for (Flag flag : set.flags()) {
            long steps = flag.evaluationSteps;
            assertThat(steps).as("%s in %s", flag, document).isEqualTo(bruteForce(document, flag.key()))
                    .isBetween(1L, FlagDocumentCompiler.MAX_EVALUATION_STEPS);
            for (int round = 0; round < 10; round++) {
                CountingContext ctx = new CountingContext(NeverThrowsProperties.context(random));
                evaluator.evaluate(set, flag.key(), ctx);
                assertThat(ctx.reads).as("reads of %s for %s", flag, document).isLessThanOrEqualTo(2 * steps);
            }
        }
    }

    /** The steps of evaluating flag {@code key}, by expanding the JSON (recursively: the documents are small). */
    private static long bruteForce(JsonNode document, String key) {
        JsonNode flag = document.get("flags").get(key);
        long steps = 1;
        for (JsonNode p : flag.path("prerequisites")) {
            steps += bruteForce(document, p.get("flag").textValue());
        }
        for (JsonNode rule : flag.path("rules")) {
            steps += condition(document, rule.get("when"));
        }
        return steps;
    }

    private static long condition(JsonNode document, JsonNode c) {
        if (c.has("all") || c.has("any")) {
            long steps = 1;
            for (JsonNode part : c.has("all") ? c.get("all") : c.get("any")) {
                steps += condition(document, part);
            }
            return steps;
        }
        if (c.has("not")) {
            return 1 + condition(document, c.get("not"));
        }
        if (c.has("segment")) {
            long steps = 2; // the reference and the segment's test
            for (JsonNode rule : document.get("segments").get(c.get("segment").textValue()).path("rules")) {
                steps += condition(document, rule);
            }
            return steps;
        }
        return clauseSteps(c);
    }

    /**
     * A clause's weight (docs/flag-format.md, "Limits"), restated from the JSON: the scanning operators per value by
     * its length (contains, matches) and the longest string they scan; the others by their number of values.
     */
    private static long clauseSteps(JsonNode c) {
        String op = c.get("op").textValue();
        JsonNode values = c.path("values");
        long scanned = FlagDocumentCompiler.MAX_SCANNED_LENGTH;
        long steps = 0;
        switch (op) {
            case "contains", "startsWith", "endsWith", "matches" -> {
                for (JsonNode v : values) {
                    String text = v.textValue();
                    LiteralPattern literal = op.equals("matches") ? LiteralPattern.of(text) : null;
                    boolean contains = op.equals("contains") || literal != null && !literal.atStart() && !literal.atEnd();
                    int length = literal != null ? literal.text().length() : text.length();
                    if (op.equals("matches") && literal == null) {
                        steps += 1 + RegexSize.of(text) * scanned;
                    } else {
                        steps += contains ? 1 + scanned * length / 64 : 1 + length / 128;
                    }
                }
                return steps;
            }
            case "lt", "lte", "gt", "gte" -> {
                return 1 + values.size() / 8;
            }
            case "semverEq", "semverLt", "semverGt" -> {
                return 26 + values.size();
            }
            case "before", "after" -> {
                return 10 + values.size() / 8;
            }
            case "olderThan", "newerThan" -> {
                return 10 + values.size() * 10L;
            }
            default -> {
                return 1; // in, notIn: hash lookups; exists
            }
        }
    }

    /** A context that counts how often the evaluator reads it. */
    private static final class CountingContext implements EvaluationContext {
        private final Map<String, Object> attributes;
        long reads;

        CountingContext(Map<String, Object> attributes) {
            this.attributes = attributes;
        }

        @Override
        public Object get(String attribute) {
            reads++;
            return attributes.get(attribute);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("{");
            for (Iterator<String> it = attributes.keySet().iterator(); it.hasNext();) {
                s.append(it.next()).append(it.hasNext() ? ", " : "");
            }
            return s.append('}').toString();
        }
    }
}
