package io.guidon.openfeature;

import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import io.guidon.engine.EvaluationContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's {@link EvaluationContext} read straight from an OpenFeature context: nothing is copied per
 * evaluation; an attribute is converted only when a clause reads it. The OpenFeature SDK hands providers its
 * merged context (API, client, invocation and hook contexts layered, not copied), so an evaluation reads the
 * application's values where they are.
 *
 * <p>Conversion of an OpenFeature {@link Value} to the engine's JSON-shaped values: boolean, string and number as
 * themselves (an {@link Integer} or {@link Double} is a {@link Number} the engine compares as JSON numbers), an
 * instant as its ISO-8601 text (how a flag document writes instants), a list and a structure as an unmodifiable
 * {@link List} and {@link Map} of converted values, null as absent. The targeting key is OpenFeature's
 * {@code getTargetingKey()} when set, else an attribute named {@code targetingKey}.
 */
final class OpenFeatureContext implements EvaluationContext {

    private final dev.openfeature.sdk.EvaluationContext context;

    OpenFeatureContext(dev.openfeature.sdk.EvaluationContext context) {
        this.context = context;
    }

    @Override
    public Object get(String attribute) {
        if (TARGETING_KEY.equals(attribute)) {
            String key = context.getTargetingKey();
            if (key != null) {
                return key;
            }
        }
        return plain(context.getValue(attribute));
    }

    @Override
    public String targetingKey() {
        String key = context.getTargetingKey();
        if (key != null) {
            return key;
        }
        return get(TARGETING_KEY) instanceof String s ? s : null;
    }

    /** An OpenFeature value as the engine reads values (see the class comment); {@code null} for null or absent. */
    static Object plain(Value value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isString()) {
            return value.asString();
        }
        if (value.isNumber()) {
            return value.asObject();
        }
        if (value.isInstant()) {
            return value.asInstant().toString();
        }
        if (value.isList()) {
            List<Value> in = value.asList();
            List<Object> out = new ArrayList<>(in.size());
            for (int i = 0; i < in.size(); i++) {
                out.add(plain(in.get(i)));
            }
            return Collections.unmodifiableList(out);
        }
        if (value.isStructure()) {
            return plain(value.asStructure());
        }
        return null;
    }

    static Map<String, Object> plain(Structure structure) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : structure.asUnmodifiableMap().entrySet()) {
            out.put(e.getKey(), plain(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return "OpenFeatureContext" + context;
    }
}
