package io.guidon.controlplane.domain;

import java.util.Locale;

/**
 * What the flag overview is sorted by; ties are always broken by flag key (ascending), so an order is total and a
 * page boundary never moves between two requests over the same data.
 */
public enum FlagSort {
    /** The flag key, by code point (as every other listing of keys). */
    KEY(false),
    /** The latest change of the definition or of any of its environment configurations; newest first by default. */
    UPDATED(true),
    /** Evaluations in the last 24 hours, summed over environments; most first by default. */
    EVALUATIONS(true);

    private final boolean descendingByDefault;

    FlagSort(boolean descendingByDefault) {
        this.descendingByDefault = descendingByDefault;
    }

    /** Whether a request that names no direction gets this sort descending. */
    public boolean descendingByDefault() {
        return descendingByDefault;
    }

    /** The name a request uses: {@code key}, {@code updated}, {@code evaluations}. */
    public String param() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The sort named {@code param} exactly (lower case), or null. */
    public static FlagSort ofParam(String param) {
        for (FlagSort s : values()) {
            if (s.param().equals(param)) {
                return s;
            }
        }
        return null;
    }
}
