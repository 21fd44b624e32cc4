package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import io.guidon.stats.Direction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a metric measures (V13 {@code metrics}, docs/experiments.md#model), as read from the body of
 * {@code POST /api/v1/metrics} or {@code PUT /api/v1/metrics/{metric}} by {@link #parse}. Pure: whether the metric
 * is used by experiments is the service's concern.
 *
 * @param key the metric's key in its tenant, {@code [a-z0-9][a-z0-9._-]{0,127}}
 * @param name plain text, 1 to 200 characters
 * @param description plain text, up to 2000 characters ('' when none)
 * @param kind how the events become one value per user
 * @param event the event read (an event name {@code POST /v1/track} accepts)
 * @param valueSource for a mean or the numerator of a ratio: the events' values summed per user, or their count
 *     ({@link Source#COUNT} for a proportion, where it plays no part)
 * @param denominatorEvent the event of a ratio's denominator; null for the other kinds
 * @param denominatorSource how the denominator's events are summed per user; null unless a ratio
 * @param window how long after the user's first exposure events count; null: until the experiment's end
 * @param direction which way is better
 * @param cap how outliers are capped, or null for none
 */
public record MetricSpec(String key, String name, String description, Kind kind, String event, Source valueSource,
        String denominatorEvent, Source denominatorSource, Duration window, Direction direction, Cap cap) {

    /** The longest conversion window: a year and a day, as a rollout stage's longest duration. */
    public static final Duration MAX_WINDOW = Duration.ofDays(366);
    private static final Set<String> FIELDS = Set.of("key", "name", "description", "kind", "event", "valueSource",
            "denominatorEvent", "denominatorSource", "window", "direction", "cap");
    private static final Set<String> CAP_FIELDS = Set.of("kind", "value");

    /** How a metric turns a user's events into one value. */
    public enum Kind {
        /** 1 when the user sent the event at least once in the window, else 0. */
        PROPORTION,
        /** The per-user sum of the event's values (or its count), averaged over the exposed users. */
        MEAN,
        /** The sum over users of the event's values (or counts) over the same of the denominator event. */
        RATIO
    }

    /** What of a user's events is summed: their values ({@code value} in /v1/track) or how many there were. */
    public enum Source {
        VALUE, COUNT
    }

    /** How outliers are capped: per-user values above a percentile of the users' values, or above a fixed value. */
    public enum CapKind {
        PERCENTILE, FIXED
    }

    /** A cap: {@code value} is the percentile in (0, 1) or the fixed bound (above 0), in the metric's units. */
    public record Cap(CapKind kind, double value) {
    }

    /** The spec read from a body, or null when it broke a rule; and every violation, with its pointer. */
    public record Parsed(MetricSpec spec, List<Violation> violations) {
    }

    /**
     * Reads a metric's body, reporting every violation at its pointer: unknown members, a missing or malformed key
     * (or, with {@code urlKey} given, one that differs from the URL's: keys are never renamed), name, kind, event,
     * direction; a {@code valueSource} on a proportion; a denominator missing on a ratio or given on another kind;
     * a window that is not an ISO-8601 duration of whole seconds from 1 s to 366 days; a cap on a proportion, of an
     * unknown kind, or with a percentile outside (0, 1) or a fixed value not above 0.
     *
     * @param urlKey the key in the URL ({@code PUT}), which the body may repeat; null when creating
     */
    public static Parsed parse(JsonNode body, String urlKey) {
        List<Violation> v = new ArrayList<>();
        BodyReader r = new BodyReader(v);
        Pointer root = Pointer.ROOT;
        if (body == null || !body.isObject()) {
            r.add(root, "must be an object with key, name, kind, event and direction");
            return new Parsed(null, v);
        }
        r.unknown(body, FIELDS, root);
        String key = r.key(body, "key", root, urlKey == null, "the metric's key");
        if (urlKey != null && key != null && !key.equals(urlKey)) {
            r.add(Pointer.of("key"), "must be '" + urlKey + "', the key in the URL, or left out: a metric's key"
                    + " cannot be changed");
        }
        String name = r.text(body, "name", root, BodyReader.MAX_NAME, true);
        String description = r.text(body, "description", root, BodyReader.MAX_DESCRIPTION, false);
        Kind kind = r.choice(body, "kind", root, Kind.class, null,
                "proportion: users who sent the event; mean: per-user sum or count; ratio: one event over another");
        String event = r.event(body, "event", root, true, "the name of the event the metric reads");
        Source valueSource = r.choice(body, "valueSource", root, Source.class, Source.COUNT,
                "what of each user's events is summed");
        if (kind == Kind.PROPORTION && !BodyReader.absent(body.get("valueSource"))) {
            r.add(Pointer.of("valueSource"), "only for a mean or a ratio: a proportion counts the users who sent"
                    + " the event at least once, whatever its value");
        }
        String denominatorEvent = null;
        Source denominatorSource = null;
        if (kind == Kind.RATIO) {
            denominatorEvent = r.event(body, "denominatorEvent", root, true,
                    "the event of the ratio's denominator (required for a ratio)");
            denominatorSource = r.choice(body, "denominatorSource", root, Source.class, null,
                    "required for a ratio: what of each user's denominator events is summed");
        } else if (kind != null) {
            for (String f : List.of("denominatorEvent", "denominatorSource")) {
                if (!BodyReader.absent(body.get(f))) {
                    r.add(Pointer.of(f), "only for a ratio metric, not a " + BodyReader.jsonName(kind));
                }
            }
        }
        Duration window = r.duration(body, "window", root, MAX_WINDOW,
                "how long after a user's first exposure the events count (leave it out: until the experiment ends)");
        Direction direction = r.choice(body, "direction", root, Direction.class, null, "which way is better");
        Cap cap = cap(body.get("cap"), kind, r);
        if (!v.isEmpty()) {
            return new Parsed(null, List.copyOf(v));
        }
        return new Parsed(new MetricSpec(key == null ? urlKey : key, name, description == null ? "" : description,
                kind, event, kind == Kind.PROPORTION ? Source.COUNT : valueSource, denominatorEvent,
                denominatorSource, window, direction, cap), List.of());
    }

    private static Cap cap(JsonNode c, Kind kind, BodyReader r) {
        Pointer at = Pointer.of("cap");
        if (BodyReader.absent(c)) {
            return null;
        }
        if (!c.isObject()) {
            r.add(at, "must be an object such as {\"kind\": \"percentile\", \"value\": 0.99} or {\"kind\": \"fixed\","
                    + " \"value\": 100}, not " + BodyReader.show(c));
            return null;
        }
        if (kind == Kind.PROPORTION) {
            r.add(at, "only for a mean or a ratio: a proportion's per-user value is 0 or 1, with no outliers");
            return null;
        }
        r.unknown(c, CAP_FIELDS, at);
        CapKind capKind = r.choice(c, "kind", at, CapKind.class, null,
                "percentile: values above that percentile of the users' count as it; fixed: above that value");
        Double value = null;
        if (capKind == CapKind.PERCENTILE) {
            value = r.number(c, "value", at, 0.0, 1.0, null, "the percentile, such as 0.99");
        } else if (capKind == CapKind.FIXED) {
            value = r.number(c, "value", at, 0.0, null, null, "the largest per-user value counted");
        }
        if (capKind != null && BodyReader.absent(c.get("value"))) {
            r.add(at.field("value"), "required: " + (capKind == CapKind.PERCENTILE
                    ? "the percentile, above 0 and below 1 (0.99)" : "the largest per-user value, above 0"));
        }
        return capKind == null || value == null ? null : new Cap(capKind, value);
    }

    /** The JSON name of any of this spec's enums, or of a {@link Direction}: {@code lower_is_better}. */
    public static String jsonName(Enum<?> e) {
        return BodyReader.jsonName(e);
    }
}
