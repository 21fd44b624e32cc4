package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The engine's two promises, over random input: the compiler answers every document with a flag set or problems
 * (never an exception), and the evaluator answers every flag of a valid document for every context with a value
 * of the flag's type or an error result (never an exception).
 */
class NeverThrowsProperties {

    private static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final String[] ATTRIBUTES = {"targetingKey", "a", "b", "v", "t", "n"};
    private static final String[] OPERATORS = {"in", "notIn", "contains", "startsWith", "endsWith", "matches", "lt",
            "lte", "gt", "gte", "semverEq", "semverLt", "semverGt", "before", "after", "olderThan", "newerThan",
            "exists"};
    private static final String[] REGEXES = {"^a", "b$", "a.*b", "(x|y)+z", "\\d{3}", "^$", "[^a-z]", "é+", "\\pL"};
    private static final String[] VERSIONS = {"0.0.0", "1.2.3", "2.0.0-nightly.20250101123456789012345",
            "2.0.0-rc.1", "99999999999999999999.0.0", "1.0.0-alpha.beta+exp.sha.5114f85", "1.0.0-0.3.7"};
    private static final String[] INSTANTS = {"2025-03-01", "2025-03-01T12:00:00Z", "2025-03-01T12:00:00+01:00",
            "1970-01-01T00:00:00.123456789Z", "0000-01-01T00:00:00-18:00"};
    /** Contexts may send anything: instants beyond epoch milliseconds, almost-instants. */
    private static final String[] CONTEXT_INSTANTS = {"+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "2025-02-29", "2025-03-01T24:00:00Z", "2025-03-01T12:00:00+19:00", "9999-12-31T23:59:59.999999999Z"};
    private static final String[] DURATIONS = {"P30D", "PT12H", "P2W", "P1Y", "P999999999Y", "PT0S",
            "PT2562047788015215H"};

    @Property(tries = 300)
    void evaluationNeverThrowsAndServesTheFlagsType(@ForAll Random random) {
        ObjectNode document = validDocument(random);
        Compilation c = COMPILER.compile(document);
        assertThat(c.errors()).as("a generated document must be valid").extracting(
                e -> (e.path() + ": " + e.message()).replace('\u0000', '?').substring(0,
                        Math.min(300, e.path().length() + 2 + e.message().length()))).isEmpty();
        FlagSet set = c.flagSet();
        // Clocks at the ends of what epoch milliseconds hold (an InstantSource beyond them throws in millis()).
        Evaluator[] evaluators = {new Evaluator(), new Evaluator(InstantSource.fixed(Instant.ofEpochMilli(Long.MAX_VALUE))),
                new Evaluator(InstantSource.fixed(Instant.ofEpochMilli(Long.MIN_VALUE + 1))),
                new Evaluator(InstantSource.fixed(Instant.EPOCH))};
        for (int round = 0; round < 20; round++) {
            EvaluationContext ctx = EvaluationContext.of(context(random));
            Evaluator evaluator = evaluators[random.nextInt(evaluators.length)];
            for (Flag flag : set.flags()) {
                check(flag, evaluator.evaluate(set, flag.key(), ctx), ctx);
                check(flag, evaluator.explain(set, flag.key(), ctx).result(), ctx);
            }
        }
    }

    @Property(tries = 300)
    void compilationNeverThrows(@ForAll Random random) {
        ObjectNode document = validDocument(random);
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(document, random);
        }
        Compilation c = COMPILER.compile(document);
        if (!c.ok()) {
            // The compiler's last-resort catch turns its own faults into this message: it must never be needed.
            assertThat(c.errors()).isNotEmpty().allSatisfy(e -> assertThat(e.message()).isNotBlank()
                    .doesNotStartWith("the document could not be compiled"));
        }
        // From bytes too: the parse step must not throw either, for the document or for garbage.
        byte[] bytes = document.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // UTF-8 cannot hold a lone surrogate (getBytes writes '?'), so only a tree has that problem.
        boolean loneSurrogate = false;
        for (ValidationError e : c.errors()) {
            loneSurrogate |= e.message().contains("lone UTF-16 surrogate");
        }
        if (!loneSurrogate) {
            assertThat(COMPILER.compile(bytes).ok()).isEqualTo(c.ok());
        }
        byte[] garbage = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
        if (garbage.length > 0) {
            garbage[random.nextInt(garbage.length)] = (byte) random.nextInt(256);
        }
        assertThat(COMPILER.compile(garbage)).isNotNull();
    }

    private static void check(Flag flag, EvaluationResult r, EvaluationContext ctx) {
        assertThat(r).as("%s for %s", flag, ctx).isNotNull();
        if (r.isError()) {
            assertThat(r.reason()).isEqualTo(Reason.ERROR);
            assertThat(r.errorCode()).isNotNull();
            assertThat(r.errorCode()).as("%s for %s: %s", flag, ctx, r).isNotEqualTo(ErrorCode.GENERAL);
            return;
        }
        Object value = r.value();
        switch (flag.type()) {
            case BOOLEAN -> assertThat(value).isInstanceOf(Boolean.class);
            case STRING -> assertThat(value).isInstanceOf(String.class);
            case NUMBER -> assertThat(value).isInstanceOf(Number.class);
            default -> assertThat(value).isInstanceOfAny(Map.class, List.class);
        }
        assertThat(flag.variants()).containsValue(r.variant());
    }

    // ---- valid documents

    /**
     * A random valid document. Regular expressions weigh what they scan, and segments referenced from several rules
     * multiply that, so a draft that only passes the evaluation-cost limit is drawn again.
     */
    static ObjectNode validDocument(Random random) {
        ObjectNode document = draftDocument(random);
        for (int attempt = 0; attempt < 50 && overBudget(document); attempt++) {
            document = draftDocument(random);
        }
        return document;
    }

    private static boolean overBudget(ObjectNode document) {
        List<ValidationError> errors = COMPILER.compile(document).errors();
        for (ValidationError e : errors) {
            if (!e.message().contains("evaluation steps")) {
                return false;
            }
        }
        return !errors.isEmpty();
    }

    private static ObjectNode draftDocument(Random random) {
        ObjectNode root = NODES.objectNode();
        ObjectNode segments = root.putObject("segments");
        int segmentCount = random.nextInt(5);
        for (int i = 0; i < segmentCount; i++) {
            ObjectNode s = segments.putObject("s" + i);
            if (random.nextBoolean()) {
                s.putArray("included").add(docString(random));
            }
            if (random.nextBoolean()) {
                s.putArray("excluded").add(docString(random));
            }
            ArrayNode rules = s.putArray("rules");
            int n = random.nextInt(3);
            for (int r = 0; r < n; r++) {
                // Only segments after this one: no cycle, and chains stay within the limit.
                rules.add(condition(random, 1, i + 1, segmentCount));
            }
        }
        ObjectNode flags = root.putObject("flags");
        int flagCount = 1 + random.nextInt(6);
        for (int i = 0; i < flagCount; i++) {
            ObjectNode f = flags.putObject("f" + i);
            f.put("enabled", random.nextInt(5) != 0);
            List<String> variants = variants(f.putObject("variants"), random);
            f.put("offVariant", pick(random, variants));
            if (i + 1 < flagCount && random.nextInt(3) == 0) {
                ObjectNode p = f.putArray("prerequisites").addObject();
                int target = i + 1 + random.nextInt(flagCount - i - 1);
                p.put("flag", "f" + target);
                p.put("variant", "v0");
            }
            if (random.nextInt(3) == 0) {
                ObjectNode t = f.putArray("targets").addObject();
                t.put("variant", pick(random, variants));
                t.putArray("values").add("u1").add(docString(random) + "#");
            }
            ArrayNode rules = f.putArray("rules");
            int n = random.nextInt(4);
            for (int r = 0; r < n; r++) {
                ObjectNode rule = rules.addObject();
                rule.put("id", "r" + r);
                rule.set("when", condition(random, 1, 0, segmentCount));
                rule.set("serve", serve(random, variants));
            }
            f.set("fallthrough", serve(random, variants));
        }
        return root;
    }

    private static List<String> variants(ObjectNode out, Random random) {
        int type = random.nextInt(4);
        int n = 2 + random.nextInt(2);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "v" + i;
            names.add(name);
            switch (type) {
                case 0 -> out.put(name, i % 2 == 0);
                case 1 -> out.put(name, "s" + i);
                case 2 -> out.put(name, i * 1.5);
                default -> out.putObject(name).put("k", i);
            }
        }
        return names;
    }

    private static JsonNode serve(Random random, List<String> variants) {
        ObjectNode serve = NODES.objectNode();
        if (random.nextBoolean()) {
            serve.put("variant", pick(random, variants));
            return serve;
        }
        ObjectNode rollout = serve.putObject("rollout");
        int left = 100_000;
        for (int i = 0; i < variants.size(); i++) {
            int share = i == variants.size() - 1 ? left : random.nextInt(left + 1);
            left -= share;
            rollout.put(variants.get(i), BigDecimal.valueOf(share, 3));
        }
        if (random.nextBoolean()) {
            serve.put("bucketBy", pick(random, ATTRIBUTES));
        }
        return serve;
    }

    private static JsonNode condition(Random random, int depth, int firstSegment, int segmentCount) {
        int kind = random.nextInt(depth > 3 ? 2 : 6);
        if (kind == 1 && firstSegment < segmentCount) {
            return NODES.objectNode().put("segment", "s" + (firstSegment + random.nextInt(segmentCount - firstSegment)));
        }
        if (kind <= 1) {
            return clause(random);
        }
        if (kind == 2) {
            return NODES.objectNode().set("not", condition(random, depth + 1, firstSegment, segmentCount));
        }
        ObjectNode node = NODES.objectNode();
        ArrayNode parts = node.putArray(kind == 3 ? "all" : "any");
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            parts.add(condition(random, depth + 1, firstSegment, segmentCount));
        }
        return node;
    }

    private static JsonNode clause(Random random) {
        String op = pick(random, OPERATORS);
        ObjectNode clause = NODES.objectNode();
        clause.put("attribute", pick(random, ATTRIBUTES));
        clause.put("op", op);
        if (op.equals("exists")) {
            return clause;
        }
        ArrayNode values = clause.putArray("values");
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (op) {
                case "in", "notIn" -> {
                    switch (random.nextInt(4)) {
                        case 0 -> values.add(docString(random));
                        case 1 -> values.add(random.nextLong());
                        case 2 -> values.add(new BigDecimal(random.nextGaussian() * 1e6));
                        default -> values.add(random.nextBoolean());
                    }
                }
                case "contains", "startsWith", "endsWith" -> values.add(docString(random));
                case "matches" -> values.add(pick(random, REGEXES));
                case "lt", "lte", "gt", "gte" -> values.add(random.nextBoolean() ? BigDecimal.valueOf(random.nextLong())
                        : new BigDecimal("1.7976931348623157e308").multiply(BigDecimal.valueOf(random.nextDouble())));
                case "semverEq", "semverLt", "semverGt" -> values.add(pick(random, VERSIONS));
                case "before", "after" -> {
                    if (random.nextBoolean()) {
                        values.add(pick(random, INSTANTS));
                    } else {
                        values.add(random.nextLong());
                    }
                }
                default -> values.add(pick(random, DURATIONS));
            }
        }
        return clause;
    }

    // ---- random contexts

    static Map<String, Object> context(Random random) {
        Map<String, Object> ctx = new HashMap<>();
        for (String attribute : ATTRIBUTES) {
            if (random.nextInt(4) != 0) {
                ctx.put(attribute, value(random, 0));
            }
        }
        return ctx;
    }

    private static Object value(Random random, int depth) {
        switch (random.nextInt(depth > 1 ? 10 : 12)) {
            case 0: return string(random);
            case 1: return pick(random, VERSIONS) + (random.nextBoolean() ? "" : ".9");
            case 2: return pick(random, new String[] {"v2", "2.3", " 1.2.3 ", "2.0.0-nightly.99999999999999999999999",
                    "1.0.0-" + "9".repeat(5000), "V18446744073709551616"});
            case 3: return random.nextBoolean() ? pick(random, INSTANTS) : pick(random, CONTEXT_INSTANTS);
            case 4: return pick(random, new Object[] {Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1, Integer.MIN_VALUE,
                    (short) 7, (byte) -1});
            case 5: return pick(random, new Object[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e15, 9.0e15, 1.5f});
            case 6: return new BigInteger(200 + random.nextInt(800), random).negate().add(BigInteger.ONE);
            case 7: return new BigDecimal(new BigInteger(300, random), random.nextInt(2000) - 1000);
            case 8: return random.nextBoolean();
            case 9: return null;
            case 10: {
                List<Object> list = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    list.add(value(random, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new HashMap<>();
                map.put("k", value(random, depth + 1));
                return map;
            }
        }
    }

    /** A string a document may hold (within the length limit). */
    private static String docString(Random random) {
        // A valid document holds text only: NUL and lone surrogates escaped (contexts still get them raw).
        String s = Texts.printable(string(random));
        return s.length() > FlagDocumentCompiler.MAX_STRING_LENGTH ? "a".repeat(1000) + "b" : s;
    }

    private static String string(Random random) {
        switch (random.nextInt(6)) {
            case 0: return "u" + random.nextInt(10);
            case 1: return "\uD83D\uDE00" + "\uD800" + "a\uDC00"; // a pair and two unpaired surrogates
            case 2: return "a".repeat(100_000) + "b";
            case 3: return "";
            case 4: return "\u0000\u00e9\uFFFF";
            default: {
                StringBuilder sb = new StringBuilder();
                int n = random.nextInt(12);
                for (int i = 0; i < n; i++) {
                    sb.append((char) random.nextInt(0x10000));
                }
                return sb.toString();
            }
        }
    }

    // ---- mutations (anything may go anywhere)

    static void mutate(ObjectNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        mutate(containers, random);
    }

    /** Replaces or adds a field or element of one of {@code containers} with junk. */
    static void mutate(List<JsonNode> containers, Random random) {
        JsonNode target = containers.get(random.nextInt(containers.size()));
        JsonNode replacement = junk(random);
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
                names.add(it.next());
            }
            String name = names.isEmpty() || random.nextInt(4) == 0
                    ? pick(random, new String[] {"op", "values", "segment", "rollout", "flags", "x", "not", "all"})
                    : names.get(random.nextInt(names.size()));
            o.set(name, replacement);
        } else if (target instanceof ArrayNode a) {
            if (a.isEmpty() || random.nextBoolean()) {
                a.add(replacement);
            } else {
                a.set(random.nextInt(a.size()), replacement);
            }
        }
    }

    static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (JsonNode child : node) {
                collect(child, out);
            }
        }
    }

    private static JsonNode junk(Random random) {
        return switch (random.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(new BigDecimal("1e400"));
            case 2 -> NODES.numberNode(new BigDecimal("-1e-400"));
            case 3 -> NODES.numberNode(new BigDecimal("1E+999999999"));
            case 4 -> NODES.numberNode(new BigInteger("9".repeat(300)));
            case 5 -> NODES.textNode(pick(random, VERSIONS) + "x");
            case 6 -> NODES.textNode("(".repeat(2000) + ")".repeat(2000));
            case 7 -> NODES.textNode(random.nextBoolean() ? "a{1000}{1000}" : "(".repeat(500) + ")".repeat(500));
            case 8 -> NODES.textNode(string(random));
            case 9 -> NODES.textNode(pick(random, new String[] {"s0", "f0", "v0", "PT-1H", "P-1D", "in", "matches"}));
            case 10 -> NODES.arrayNode().add(NODES.objectNode().put("segment", "s0"));
            case 11 -> NODES.objectNode().put("attribute", "a").put("op", pick(random, OPERATORS))
                    .set("values", NODES.arrayNode().add(string(random)));
            case 12 -> NODES.booleanNode(random.nextBoolean());
            default -> validDocument(random);
        };
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String pick(Random random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }
}
