package io.guidon.controlplane.ui.form;

/**
 * How the lines of a clause's value input become JSON values: as strings, numbers, booleans, instants (epoch
 * milliseconds as integers, anything else as a string) or JSON literals (any mix, exactly).
 */
public enum ValueMode {
    TEXT("text", "Text"),
    NUMBER("number", "Numbers"),
    BOOLEAN("boolean", "true / false"),
    INSTANT("instant", "Instants"),
    JSON("json", "JSON values");

    private final String key;
    private final String label;

    ValueMode(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The form value: {@code "text"}, {@code "number"}... */
    public String key() {
        return key;
    }

    public String label() {
        return label;
    }

    /** The mode of form value {@code key}, or null. */
    public static ValueMode of(String key) {
        for (ValueMode m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        return null;
    }
}
