package io.guidon.engine;

import java.util.Map;

/** An {@link EvaluationContext} over a map, used as is (not copied): callers hand over a map they no longer change. */
public final class MapContext implements EvaluationContext {

    private final Map<String, ?> attributes;

    public MapContext(Map<String, ?> attributes) {
        this.attributes = attributes;
    }

    @Override
    public Object get(String attribute) {
        return attributes.get(attribute);
    }

    public Map<String, ?> attributes() {
        return attributes;
    }

    @Override
    public String toString() {
        return "MapContext" + attributes;
    }
}
