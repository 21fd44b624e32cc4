package io.guidon.engine;

/** The one type all variants of a flag share. */
public enum FlagType {
    BOOLEAN, STRING, NUMBER, OBJECT;

    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
