package io.guidon.controlplane.ui.view;

import static io.guidon.controlplane.ui.view.FormFields.text;
import static io.guidon.controlplane.ui.view.FormFields.raw;
import static io.guidon.controlplane.ui.view.FormFields.or;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.Metric;
import io.guidon.controlplane.domain.MetricSpec;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The metric form (create and edit) as typed, with its problems at its fields. {@link #body} turns it into the
 * admin API's body ({@code POST /api/v1/metrics}, {@code PUT /api/v1/metrics/{metric}}), which the API's own
 * reading ({@code MetricSpec}) then judges, so the rules and their words are the API's; {@link #withViolations} puts
 * each violation, found at a JSON Pointer of that body, next to the field that typed it.
 *
 * <p>Only the fields of the chosen kind are sent: the value source for a mean or a ratio, the denominator for a
 * ratio, the cap when a cap kind is chosen and the kind is not a proportion; a field of another kind left filled in
 * is ignored.
 *
 * @param editing whether the form changes an existing metric (its key is then read-only)
 * @param capKind {@code none}, {@code percentile} or {@code fixed}
 * @param errors field name to message; {@link #GENERAL} for a problem of no one field
 */
public record MetricForm(boolean editing, String key, String name, String description, String kind, String event,
        String valueSource, String denominatorEvent, String denominatorSource, String window, String direction,
        String capKind, String capValue, Map<String, String> errors) implements FieldErrors {

    /** The key of a problem of the whole form. */
    public static final String GENERAL = "form";
    public static final List<String> KINDS = List.of("proportion", "mean", "ratio");
    public static final List<String> SOURCES = List.of("count", "value");
    public static final List<String> DIRECTIONS = List.of("higher_is_better", "lower_is_better");
    public static final List<String> CAPS = List.of("none", "percentile", "fixed");

    public MetricForm {
        errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /** An empty creation form: a proportion, higher is better, no window, no cap. */
    public static MetricForm blank() {
        return new MetricForm(false, "", "", "", "proportion", "", "count", "", "count", "", "higher_is_better",
                "none", "", Map.of());
    }

    /** The form as posted ({@code field} reads one form field, null when absent). */
    public static MetricForm parse(boolean editing, Function<String, String> field) {
        return new MetricForm(editing, text(field, "key"), raw(field, "name"), raw(field, "description"),
                or(text(field, "kind"), "proportion"), text(field, "event"), or(text(field, "valueSource"), "count"),
                text(field, "denominatorEvent"), or(text(field, "denominatorSource"), "count"), text(field, "window"),
                or(text(field, "direction"), "higher_is_better"), or(text(field, "capKind"), "none"),
                text(field, "capValue"), Map.of());
    }

    /** The edit form of {@code m} as stored. */
    public static MetricForm of(Metric m) {
        MetricSpec s = m.spec();
        boolean counts = s.kind() == MetricSpec.Kind.PROPORTION;
        return new MetricForm(true, s.key(), s.name(), s.description(), MetricSpec.jsonName(s.kind()), s.event(),
                counts ? "count" : MetricSpec.jsonName(s.valueSource()),
                s.denominatorEvent() == null ? "" : s.denominatorEvent(),
                s.denominatorSource() == null ? "count" : MetricSpec.jsonName(s.denominatorSource()),
                s.window() == null ? "" : Figures.duration(s.window()), MetricSpec.jsonName(s.direction()),
                s.cap() == null ? "none" : MetricSpec.jsonName(s.cap().kind()),
                s.cap() == null ? "" : Figures.number(s.cap().value()), Map.of());
    }

    /** The API's body of this form. */
    public ObjectNode body() {
        ObjectNode o = StoredJson.object();
        o.put("key", key);
        o.put("name", name);
        if (!description.isEmpty()) {
            o.put("description", description);
        }
        o.put("kind", kind);
        o.put("event", event);
        if (kind.equals("mean") || kind.equals("ratio")) {
            o.put("valueSource", valueSource);
        }
        if (kind.equals("ratio")) {
            o.put("denominatorEvent", denominatorEvent);
            o.put("denominatorSource", denominatorSource);
        }
        if (!window.isEmpty()) {
            o.put("window", window.toUpperCase(java.util.Locale.ROOT));
        }
        o.put("direction", direction);
        if (!capKind.equals("none") && !kind.equals("proportion")) {
            ObjectNode cap = o.putObject("cap");
            cap.put("kind", capKind);
            FormNumbers.put(cap, "value", capValue);
        }
        return o;
    }

    /** This form with each of {@code violations} (at pointers of {@link #body}) at its field. */
    public MetricForm withViolations(List<Violation> violations) {
        Map<String, String> all = new LinkedHashMap<>(errors);
        for (Violation v : violations) {
            all.merge(field(v), FormNumbers.sentence(v.message()), (a, b) -> a + " " + b);
        }
        return new MetricForm(editing, key, name, description, kind, event, valueSource, denominatorEvent,
                denominatorSource, window, direction, capKind, capValue, all);
    }

    /** The form field that typed the body member {@code v} is at ({@link #GENERAL} for the body itself). */
    static String field(Violation v) {
        List<String> t = v.where().tokens();
        if (t.isEmpty()) {
            return GENERAL;
        }
        if (t.get(0).equals("cap")) {
            return t.size() > 1 && t.get(1).equals("value") ? "capValue" : "capKind";
        }
        return switch (t.get(0)) {
            case "key", "name", "description", "kind", "event", "valueSource", "denominatorEvent",
                    "denominatorSource", "window", "direction" -> t.get(0);
            default -> GENERAL;
        };
    }

    /** The form's action: {@code /ui/metrics} to create, {@code /ui/metrics/<key>} to change. */
    public String action() {
        return editing ? "/ui/metrics/" + Links.encode(key) : "/ui/metrics";
    }
}
