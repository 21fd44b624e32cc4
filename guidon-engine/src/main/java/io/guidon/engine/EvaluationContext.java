package io.guidon.engine;

/**
 * The attributes of the subject a flag is evaluated for: the user, device or organisation.
 *
 * <p>Contract: {@link #get} returns the attribute's value or {@code null} when it is absent. Values are
 * JSON-shaped Java objects: {@link String}, {@link Number}, {@link Boolean}, {@link java.util.List} of those,
 * or a {@link java.util.Map}. Implementations must be cheap to read (the evaluator may read an attribute more
 * than once) and must not change while an evaluation runs. The targeting key is the attribute
 * {@value #TARGETING_KEY}.
 */
public interface EvaluationContext {

    String TARGETING_KEY = "targetingKey";

    Object get(String attribute);

    /** The targeting key if it is a string, else {@code null}. */
    default String targetingKey() {
        Object key = get(TARGETING_KEY);
        return key instanceof String s ? s : null;
    }

    static EvaluationContext of(java.util.Map<String, ?> attributes) {
        return new MapContext(attributes);
    }
}
