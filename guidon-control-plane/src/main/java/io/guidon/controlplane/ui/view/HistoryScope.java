package io.guidon.controlplane.ui.view;

/**
 * Whose history a page shows: the whole tenant's, one flag's (its definition and its configuration in every
 * environment), or one segment's in one environment. Fixes the filters the scope implies and the page's URL.
 *
 * @param flag the flag's key (FLAG only)
 * @param environment the segment's environment (SEGMENT only)
 * @param segment the segment's key (SEGMENT only)
 */
public record HistoryScope(Kind kind, String flag, String environment, String segment) {

    /** What the history is of. */
    public enum Kind { TENANT, FLAG, SEGMENT }

    public static HistoryScope tenant() {
        return new HistoryScope(Kind.TENANT, null, null, null);
    }

    public static HistoryScope flag(String key) {
        return new HistoryScope(Kind.FLAG, key, null, null);
    }

    public static HistoryScope segment(String environment, String key) {
        return new HistoryScope(Kind.SEGMENT, null, environment, key);
    }

    /** The page's path (without query). */
    public String path() {
        return switch (kind) {
            case TENANT -> "/ui/history";
            case FLAG -> Links.flag(flag) + "/history";
            case SEGMENT -> Links.segment(environment, segment) + "/history";
        };
    }

    /** The resource type the scope fixes (null: the filter chooses). */
    public String resourceType() {
        return switch (kind) {
            case TENANT -> null;
            case FLAG -> "flag";
            case SEGMENT -> "segment";
        };
    }

    /** The resource key the scope fixes (null: any). */
    public String resource() {
        return kind == Kind.FLAG ? flag : kind == Kind.SEGMENT ? segment : null;
    }

    /** Whether the page offers a resource-type filter (only the tenant's history mixes types). */
    public boolean filtersType() {
        return kind == Kind.TENANT;
    }

    /** Whether the page offers an environment filter (a segment lives in one environment). */
    public boolean filtersEnvironment() {
        return kind != Kind.SEGMENT;
    }

    /** The page's title. */
    public String title() {
        return switch (kind) {
            case TENANT -> "History";
            case FLAG -> "History of " + flag;
            case SEGMENT -> "History of " + segment + " in " + environment;
        };
    }
}
