package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds flag documents for tests as Jackson trees:
 * {@code Flags.doc().flag("f", f -> f.bool().rule("r1", clause("country", "in", "DE"), "on")).compile()}.
 * Raw fragments for invalid documents come from {@link #json(String)}, which takes single quotes so that
 * snippets stay readable inside Java strings.
 */
final class Flags {

    /** The compiler's own mapper: decimals stay exact, as they do when a document is read from bytes. */
    static final ObjectMapper MAPPER = new FlagDocumentCompiler().mapper();
    private static final ObjectMapper RELAXED = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();

    /** "Now" for every test that does not choose its own clock. */
    static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");
    static final Evaluator EVALUATOR = new Evaluator(InstantSource.fixed(NOW));

    private final ObjectNode root = MAPPER.createObjectNode();

    private Flags() {
    }

    static Flags doc() {
        return new Flags();
    }

    Flags flag(String key, Consumer<FlagBuilder> spec) {
        ObjectNode flag = MAPPER.createObjectNode();
        flag.put("enabled", true);
        spec.accept(new FlagBuilder(flag));
        objectField(root, "flags").set(key, flag);
        return this;
    }

    Flags segment(String key, Consumer<SegmentBuilder> spec) {
        ObjectNode segment = MAPPER.createObjectNode();
        spec.accept(new SegmentBuilder(segment));
        objectField(root, "segments").set(key, segment);
        return this;
    }

    /** Sets a top-level field to anything, for documents that are wrong on purpose. */
    Flags set(String field, Object value) {
        root.set(field, toNode(value));
        return this;
    }

    ObjectNode node() {
        if (!root.has("flags")) {
            root.putObject("flags");
        }
        return root;
    }

    String text() {
        return node().toString();
    }

    Compilation compilation() {
        return COMPILER.compile(text());
    }

    /** The compiled set; fails the test, listing the problems, if the document does not compile. */
    FlagSet compile() {
        Compilation c = compilation();
        assertThat(c.errors()).as("errors compiling %s", text()).isEmpty();
        return c.flagSet();
    }

    /** The problems; fails the test if the document compiles. */
    List<ValidationError> errors() {
        Compilation c = compilation();
        assertThat(c.ok()).as("%s should not compile", text()).isFalse();
        assertThat(c.flagSet()).isNull();
        return c.errors();
    }

    // ---- fragments

    /** Parses a JSON fragment written with single or double quotes. */
    static JsonNode json(String relaxed) {
        try {
            return RELAXED.readTree(relaxed);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test fixture: " + relaxed, e);
        }
    }

    static ObjectNode clause(String attribute, String op, Object... values) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("attribute", attribute);
        c.put("op", op);
        ArrayNode array = c.putArray("values");
        for (Object v : values) {
            array.add(toNode(v));
        }
        return c;
    }

    static ObjectNode exists(String attribute) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("attribute", attribute);
        c.put("op", "exists");
        return c;
    }

    static ObjectNode all(JsonNode... parts) {
        ObjectNode c = MAPPER.createObjectNode();
        c.putArray("all").addAll(List.of(parts));
        return c;
    }

    static ObjectNode any(JsonNode... parts) {
        ObjectNode c = MAPPER.createObjectNode();
        c.putArray("any").addAll(List.of(parts));
        return c;
    }

    static ObjectNode not(JsonNode inner) {
        ObjectNode c = MAPPER.createObjectNode();
        c.set("not", inner);
        return c;
    }

    static ObjectNode inSegment(String key) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("segment", key);
        return c;
    }

    /** A serve of a percentage rollout: {@code rollout("on", 10, "off", 90)}; decimals may be given as strings. */
    static ObjectNode rollout(Object... variantsAndWeights) {
        ObjectNode serve = MAPPER.createObjectNode();
        ObjectNode weights = serve.putObject("rollout");
        for (int i = 0; i < variantsAndWeights.length; i += 2) {
            weights.put((String) variantsAndWeights[i], new BigDecimal(variantsAndWeights[i + 1].toString()));
        }
        return serve;
    }

    /** The same rollout, bucketed by another attribute than the targeting key. */
    static ObjectNode rolloutBy(String bucketBy, Object... variantsAndWeights) {
        ObjectNode serve = rollout(variantsAndWeights);
        serve.put("bucketBy", bucketBy);
        return serve;
    }

    static ObjectNode serveVariant(String variant) {
        ObjectNode serve = MAPPER.createObjectNode();
        serve.put("variant", variant);
        return serve;
    }

    // ---- contexts and evaluation

    /** A context from alternating names and values; values may be null (an absent attribute). */
    static EvaluationContext ctx(Object... namesAndValues) {
        Map<String, Object> attributes = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attributes.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return EvaluationContext.of(attributes);
    }

    /** Whether {@code when} holds for the context, through a one-rule flag evaluated at {@link #NOW}. */
    static boolean holds(JsonNode when, Object... namesAndValues) {
        return holds(EVALUATOR, when, namesAndValues);
    }

    static boolean holds(Evaluator evaluator, JsonNode when, Object... namesAndValues) {
        FlagSet set = doc().flag("f", f -> f.bool().rule("r", when, "on")).compile();
        EvaluationResult r = evaluator.evaluate(set, "f", ctx(namesAndValues));
        assertThat(r.isError()).as("%s", r).isFalse();
        return r.variantKey().equals("on");
    }

    static JsonNode toNode(Object value) {
        if (value == null) {
            return MAPPER.nullNode();
        }
        return value instanceof JsonNode node ? node : MAPPER.valueToTree(value);
    }

    private static ObjectNode objectField(ObjectNode parent, String field) {
        JsonNode existing = parent.get(field);
        return existing instanceof ObjectNode o ? o : parent.putObject(field);
    }

    private static ArrayNode arrayField(ObjectNode parent, String field) {
        JsonNode existing = parent.get(field);
        return existing instanceof ArrayNode a ? a : parent.putArray(field);
    }

    /** One flag; it starts as {@code {"enabled": true}}. */
    static final class FlagBuilder {
        private final ObjectNode flag;

        private FlagBuilder(ObjectNode flag) {
            this.flag = flag;
        }

        /** Variants on=true and off=false, off variant "off", fallthrough "off". */
        FlagBuilder bool() {
            return variants("on", true, "off", false).off("off").fallthrough("off");
        }

        /** Alternating names and values. */
        FlagBuilder variants(Object... namesAndValues) {
            ObjectNode variants = flag.putObject("variants");
            for (int i = 0; i < namesAndValues.length; i += 2) {
                variants.set((String) namesAndValues[i], toNode(namesAndValues[i + 1]));
            }
            return this;
        }

        FlagBuilder enabled(boolean enabled) {
            flag.put("enabled", enabled);
            return this;
        }

        FlagBuilder off(String variant) {
            flag.put("offVariant", variant);
            return this;
        }

        FlagBuilder salt(String salt) {
            flag.put("salt", salt);
            return this;
        }

        FlagBuilder prerequisite(String flagKey, String variant) {
            ObjectNode p = arrayField(flag, "prerequisites").addObject();
            p.put("flag", flagKey);
            p.put("variant", variant);
            return this;
        }

        FlagBuilder target(String variant, String... keys) {
            ObjectNode t = arrayField(flag, "targets").addObject();
            t.put("variant", variant);
            ArrayNode values = t.putArray("values");
            for (String k : keys) {
                values.add(k);
            }
            return this;
        }

        FlagBuilder rule(String id, JsonNode when, String variant) {
            return rule(id, when, serveVariant(variant));
        }

        FlagBuilder rule(String id, JsonNode when, JsonNode serve) {
            ObjectNode r = arrayField(flag, "rules").addObject();
            r.put("id", id);
            r.set("when", when);
            r.set("serve", serve);
            return this;
        }

        FlagBuilder fallthrough(String variant) {
            return fallthrough(serveVariant(variant));
        }

        FlagBuilder fallthrough(JsonNode serve) {
            flag.set("fallthrough", serve);
            return this;
        }

        /** Sets any field to anything, for flags that are wrong on purpose. */
        FlagBuilder set(String field, Object value) {
            flag.set(field, toNode(value));
            return this;
        }

        FlagBuilder remove(String field) {
            flag.remove(field);
            return this;
        }
    }

    /** One segment; it starts empty. */
    static final class SegmentBuilder {
        private final ObjectNode segment;

        private SegmentBuilder(ObjectNode segment) {
            this.segment = segment;
        }

        SegmentBuilder included(String... keys) {
            ArrayNode a = segment.putArray("included");
            for (String k : keys) {
                a.add(k);
            }
            return this;
        }

        SegmentBuilder excluded(String... keys) {
            ArrayNode a = segment.putArray("excluded");
            for (String k : keys) {
                a.add(k);
            }
            return this;
        }

        SegmentBuilder rule(JsonNode condition) {
            arrayField(segment, "rules").add(condition);
            return this;
        }

        SegmentBuilder set(String field, Object value) {
            segment.set(field, toNode(value));
            return this;
        }
    }
}
