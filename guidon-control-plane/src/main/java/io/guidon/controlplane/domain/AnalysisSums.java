package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sufficient statistics of an experiment as of an instant (what {@code experiment_snapshots.stats} holds): per
 * variant its users, the users left out for being exposed to more than one variant, and per metric and variant the
 * sums the statistics are computed from. Everything the results need, and nothing per user.
 *
 * @param users the users attributed to each variant (keys: variant; only the experiment's variants)
 * @param excluded the users exposed to more than one variant of the flag in the window, in no variant
 * @param metrics per metric key, per variant key, the sums
 * @param definition the {@link AnalysisPlan#definitionVersion()} the sums were computed for
 */
public record AnalysisSums(Map<String, Long> users, long excluded, Map<String, Map<String, Sums>> metrics,
        String definition) {

    public AnalysisSums {
        users = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(users));
        Map<String, Map<String, Sums>> copy = new LinkedHashMap<>();
        metrics.forEach((k, v) -> copy.put(k, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        metrics = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * One metric's sums over one variant's users, each user's amount {@code x} taken after its cap.
     *
     * @param n the users
     * @param converters users with {@code x > 0} (a proportion's conversions)
     * @param sumX Σx (a ratio's numerator)
     * @param sumX2 Σx²
     * @param sumY a ratio's Σy (its denominator); 0 otherwise
     * @param sumY2 Σy²
     * @param sumXY Σxy
     * @param sumPre CUPED's Σpre (the user's amount in the pre-exposure window); 0 without CUPED
     * @param sumPre2 Σpre²
     * @param sumXPre Σx·pre
     * @param cap the bound applied to each user's amount (the percentile's value over all users, or the fixed
     *     bound); null without a cap
     */
    public record Sums(long n, long converters, double sumX, double sumX2, double sumY, double sumY2, double sumXY,
            double sumPre, double sumPre2, double sumXPre, Double cap) {

        /** No users. */
        public static final Sums EMPTY = new Sums(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
    }

    /** The users of {@code variant} (0 when none were exposed). */
    public long usersOf(String variant) {
        return users.getOrDefault(variant, 0L);
    }

    /** The sums of {@code metric} over {@code variant} ({@link Sums#EMPTY} when it has no users). */
    public Sums of(String metric, String variant) {
        Map<String, Sums> m = metrics.get(metric);
        Sums s = m == null ? null : m.get(variant);
        return s == null ? Sums.EMPTY : s;
    }

    /** As stored: {@code {"users": {...}, "excluded": n, "definition": "...", "metrics": {...}}}. */
    public ObjectNode toJson() {
        ObjectNode root = StoredJson.NODES.objectNode();
        ObjectNode u = root.putObject("users");
        users.forEach(u::put);
        root.put("excluded", excluded);
        root.put("definition", definition);
        ObjectNode ms = root.putObject("metrics");
        metrics.forEach((metric, perVariant) -> {
            ObjectNode m = ms.putObject(metric);
            perVariant.forEach((variant, s) -> {
                ObjectNode o = m.putObject(variant);
                o.put("n", s.n()).put("converters", s.converters()).put("sumX", s.sumX()).put("sumX2", s.sumX2())
                        .put("sumY", s.sumY()).put("sumY2", s.sumY2()).put("sumXY", s.sumXY())
                        .put("sumPre", s.sumPre()).put("sumPre2", s.sumPre2()).put("sumXPre", s.sumXPre());
                if (s.cap() != null) {
                    o.put("cap", s.cap());
                }
            });
        });
        return root;
    }

    /** Reads what {@link #toJson()} wrote. */
    public static AnalysisSums fromJson(JsonNode root) {
        Map<String, Long> users = new LinkedHashMap<>();
        root.path("users").properties().forEach(e -> users.put(e.getKey(), e.getValue().asLong()));
        Map<String, Map<String, Sums>> metrics = new LinkedHashMap<>();
        root.path("metrics").properties().forEach(m -> {
            Map<String, Sums> perVariant = new LinkedHashMap<>();
            m.getValue().properties().forEach(v -> {
                JsonNode o = v.getValue();
                perVariant.put(v.getKey(), new Sums(o.path("n").asLong(), o.path("converters").asLong(),
                        o.path("sumX").asDouble(), o.path("sumX2").asDouble(), o.path("sumY").asDouble(),
                        o.path("sumY2").asDouble(), o.path("sumXY").asDouble(), o.path("sumPre").asDouble(),
                        o.path("sumPre2").asDouble(), o.path("sumXPre").asDouble(),
                        o.hasNonNull("cap") ? o.get("cap").asDouble() : null));
            });
            metrics.put(m.getKey(), perVariant);
        });
        return new AnalysisSums(users, root.path("excluded").asLong(), metrics, root.path("definition").asText());
    }
}
