package io.guidon.openfeature;

import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagSet;
import io.guidon.engine.Variant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One published flag set and what the provider serves with it, made once when the set is loaded so that an
 * evaluation only looks things up: each flag's OpenFeature {@link ImmutableMetadata} and each variant's value as an
 * OpenFeature {@link Value} (what an object evaluation serves, for a flag of any type). Immutable; the provider
 * swaps whole instances.
 *
 * @param flags the compiled set
 * @param version the source's version of it (the sidecar's or the control plane's; a counter for a file)
 * @param origin where it came from, for messages
 * @param loadedAt when the provider published it
 * @param extras every flag of the set by key, with what is served with its results: the provider looks a flag up
 *     here once per evaluation, and evaluates the {@link Flag} found
 */
record LoadedFlags(FlagSet flags, long version, String origin, Instant loadedAt, Map<String, Extras> extras) {

    /**
     * What is served with one flag's results. {@code values} maps every variant key to its value as a {@link Value}
     * (see {@link #value}), for object evaluations of any flag; {@code isStatic} is {@link Flag#isStatic()}, read
     * once.
     */
    record Extras(Flag flag, ImmutableMetadata metadata, Map<String, Value> values, boolean isStatic) {
    }

    static LoadedFlags of(FlagSet flags, long version, String origin) {
        Map<String, Extras> extras = new HashMap<>(Math.max(16, flags.size() * 2));
        for (Flag f : flags.flags()) {
            Map<String, Value> values = new HashMap<>();
            for (Variant v : f.variants().values()) {
                values.put(v.key(), value(v.value()));
            }
            extras.put(f.key(), new Extras(f, metadata(f), values, f.isStatic()));
        }
        return new LoadedFlags(flags, version, origin, Instant.now(), extras);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * A flag's metadata as OpenFeature carries it, read from the JSON the sidecar serves in OFREP answers
     * ({@link Flag#metadataJson()}, where each number keeps the form written: {@code 1e2} is the decimal
     * {@code 100.0}): strings, booleans, integers (an {@link Integer} when it fits, so that {@code getInteger} reads
     * it, else a {@link Long}) and doubles. OpenFeature's flag metadata holds no objects or lists: such entries are
     * served as their JSON text.
     */
    static ImmutableMetadata metadata(Flag flag) {
        String json = flag.metadataJson();
        if (json == null || json.equals("{}") || json.equals("null")) {
            return ImmutableMetadata.EMPTY;
        }
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the engine's metadata JSON always parses", e);
        }
        ImmutableMetadata.ImmutableMetadataBuilder b = ImmutableMetadata.builder();
        for (java.util.Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = root.fields();
                it.hasNext();) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
            com.fasterxml.jackson.databind.JsonNode v = e.getValue();
            if (v.isTextual()) {
                b.addString(e.getKey(), v.textValue());
            } else if (v.isBoolean()) {
                b.addBoolean(e.getKey(), v.booleanValue());
            } else if (v.isIntegralNumber() && v.canConvertToInt()) {
                b.addInteger(e.getKey(), v.intValue());
            } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                b.addLong(e.getKey(), v.longValue());
            } else if (v.isNumber()) {
                b.addDouble(e.getKey(), v.doubleValue());
            } else if (!v.isNull()) {
                b.addString(e.getKey(), v.toString());
            }
        }
        return b.build();
    }

    /**
     * An engine value (Boolean, String, Long, Double, Map, List) as an OpenFeature {@link Value}: integers as
     * {@link Integer} when they fit (what {@code Value.asInteger} reads), else as the exact {@link Long}
     * ({@code Value.asObject()} returns it; {@code asDouble()} rounds it beyond 2^53 and {@code asInteger()}
     * truncates it, as {@link Number} does).
     */
    static Value value(Object v) {
        if (v == null) {
            return new Value();
        }
        if (v instanceof Boolean b) {
            return new Value(b);
        }
        if (v instanceof String s) {
            return new Value(s);
        }
        if (v instanceof Long l) {
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return new Value(l.intValue());
            }
            try {
                return new Value((Object) l);
            } catch (InstantiationException e) {
                return new Value(l.doubleValue());
            }
        }
        if (v instanceof Integer i) {
            return new Value(i);
        }
        if (v instanceof Number n) {
            return new Value(n.doubleValue());
        }
        if (v instanceof Map<?, ?> m) {
            // Immutable: one instance is served to every evaluation of the variant.
            Map<String, Value> fields = new java.util.LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                fields.put(String.valueOf(e.getKey()), value(e.getValue()));
            }
            return new Value(new ImmutableStructure(fields));
        }
        if (v instanceof List<?> l) {
            List<Value> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(value(o));
            }
            return new Value(out);
        }
        return new Value(String.valueOf(v));
    }
}
