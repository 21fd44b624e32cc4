package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.MetricSpec;
import java.time.Instant;

/**
 * A metric as a row of the metrics page: its key and name, what it reads in words ({@link #reads}), which way is
 * better, its window and cap, and when it last changed.
 */
public record MetricRow(String key, String name, String description, String kind, String reads, String direction,
        String window, String cap, long version, String updated) {

    public static MetricRow of(Metric m, Instant now) {
        MetricSpec s = m.spec();
        return new MetricRow(s.key(), s.name(), s.description(), MetricSpec.jsonName(s.kind()), reads(s),
                MetricSpec.jsonName(s.direction()).replace('_', ' '),
                s.window() == null ? "until the end" : Figures.duration(s.window()), cap(s), m.version(),
                Moments.ago(m.updatedAt(), now));
    }

    /**
     * What a metric reads per user, in words: "users who sent purchase", "mean per user of the values of purchase",
     * "Σ values of purchase / Σ count of order".
     */
    public static String reads(MetricSpec s) {
        String numerator = (s.valueSource() == MetricSpec.Source.VALUE ? "values of " : "count of ") + s.event();
        return switch (s.kind()) {
            case PROPORTION -> "users who sent " + s.event();
            case MEAN -> "mean per user of the " + numerator;
            case RATIO -> "Σ " + numerator + " / Σ " + (s.denominatorSource() == MetricSpec.Source.VALUE
                    ? "values of " : "count of ") + s.denominatorEvent();
        };
    }

    /** "none", "99th percentile", "at most 100". */
    static String cap(MetricSpec s) {
        if (s.cap() == null) {
            return "none";
        }
        return s.cap().kind() == MetricSpec.CapKind.PERCENTILE
                ? "at the " + Figures.number(s.cap().value() * 100) + "th percentile"
                : "at most " + Figures.number(s.cap().value());
    }

    /** The metric's edit page. */
    public String url() {
        return "/ui/metrics/" + Links.encode(key);
    }
}
