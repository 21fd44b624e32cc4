package io.guidon.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a flag serves in one environment at a glance: its off variant when it is off; when it is on, its
 * fallthrough (what a context that no target and no rule matches gets), which is either one variant or a
 * percentage rollout (docs/flag-format.md, sections 8 and 9).
 *
 * @param variant the variant served, or null for a rollout
 * @param rollout a rollout's shares in the order the stored configuration lists them (the order that assigns the
 *     buckets), each variant once; empty when a single variant is served
 * @param bucketBy a rollout's {@code bucketBy} attribute when it names one, else null (the targeting key)
 */
public record Served(String variant, List<Share> rollout, String bucketBy) {

    /**
     * One variant's part of a rollout.
     *
     * @param percentage from 0 to 100 with at most three decimals, as configured
     */
    public record Share(String variant, BigDecimal percentage) {
    }

    public Served {
        rollout = List.copyOf(rollout);
    }

    /** Serving one variant. */
    public static Served variant(String variant) {
        return new Served(variant, List.of(), null);
    }

    /** Whether this is a percentage rollout. */
    public boolean isRollout() {
        return variant == null && !rollout.isEmpty();
    }

    /**
     * One line for a table cell: the variant ({@code on}), or the rollout's shares in order with percent signs
     * ({@code on 25%, off 75%}, {@code classic 33.333%, cards 66.667% by companyId}); empty when nothing is known
     * (a stored configuration the engine would refuse, which the control plane never writes).
     */
    public String summary() {
        if (variant != null) {
            return variant;
        }
        StringBuilder b = new StringBuilder();
        for (Share s : rollout) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(s.variant()).append(' ').append(s.percentage().stripTrailingZeros().toPlainString()).append('%');
        }
        if (bucketBy != null && !b.isEmpty()) {
            b.append(" by ").append(bucketBy);
        }
        return b.toString();
    }

    /**
     * What an environment's configuration serves: {@code offVariant} when not {@code enabled}, else what
     * {@code fallthrough} (the configuration's {@code fallthrough} object; null if missing) names. A shape the
     * engine would refuse gives an empty {@code Served} rather than an error: a listing shows what it can.
     */
    public static Served of(boolean enabled, String offVariant, JsonNode fallthrough) {
        if (!enabled) {
            return offVariant == null ? new Served(null, List.of(), null) : variant(offVariant);
        }
        return fallthrough(fallthrough);
    }

    /** What a serve object ({@code {"variant": ...}} or {@code {"rollout": {...}, "bucketBy": ...}}) names. */
    static Served fallthrough(JsonNode serve) {
        if (serve == null || !serve.isObject()) {
            return new Served(null, List.of(), null);
        }
        JsonNode variant = serve.get("variant");
        if (variant != null && variant.isTextual()) {
            return variant(variant.asText());
        }
        JsonNode rollout = serve.get("rollout");
        List<Share> shares = new ArrayList<>();
        if (rollout != null && rollout.isObject()) {
            for (Map.Entry<String, JsonNode> e : rollout.properties()) {
                if (e.getValue().isNumber()) {
                    shares.add(new Share(e.getKey(), e.getValue().decimalValue()));
                }
            }
        }
        JsonNode bucketBy = serve.get("bucketBy");
        String by = bucketBy != null && bucketBy.isTextual() && !"targetingKey".equals(bucketBy.asText())
                ? bucketBy.asText() : null;
        return new Served(null, shares, by);
    }
}
