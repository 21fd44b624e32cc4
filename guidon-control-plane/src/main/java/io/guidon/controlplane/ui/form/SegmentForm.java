package io.guidon.controlplane.ui.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.api.FieldError;
import io.guidon.controlplane.api.Fields;
import io.guidon.controlplane.domain.Segment;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A segment as its editor holds it (docs/flag-format.md, "Segments"): key (creating only), description, included
 * and excluded targeting keys (one per line) and its rules, each a {@link Condition} (a context belongs when any
 * holds). Fields: {@code key}, {@code description}, {@code included}, {@code excluded}, {@code rules.N...} (the
 * places of the segment's JSON, as for a flag's conditions).
 */
public final class SegmentForm {

    public String key = "";
    public String description = "";
    public String included = "";
    public String excluded = "";
    public final List<Condition> rules = new ArrayList<>();

    /** The form of segment {@code s} as stored. */
    public static SegmentForm of(Segment s) {
        SegmentForm f = fromJson(s.definition());
        f.key = s.key();
        f.description = s.description() == null ? "" : s.description();
        return f;
    }

    /** The form of a segment's definition ({@code included}, {@code excluded}, {@code rules}). */
    public static SegmentForm fromJson(JsonNode def) {
        SegmentForm f = new SegmentForm();
        if (def == null || !def.isObject()) {
            return f;
        }
        f.included = keys(def.get("included"));
        f.excluded = keys(def.get("excluded"));
        JsonNode rules = def.get("rules");
        if (rules != null && rules.isArray()) {
            rules.forEach(r -> f.rules.add(Condition.fromJson(r)));
        }
        if (def.hasNonNull("description")) {
            f.description = def.get("description").asText();
        }
        return f;
    }

    private static String keys(JsonNode list) {
        List<String> out = new ArrayList<>();
        if (list != null && list.isArray()) {
            list.forEach(k -> out.add(k.isTextual() ? k.textValue() : k.toString()));
        }
        return FormValues.join(out);
    }

    /** The segment a submitted form holds; conditions nested deeper than a form may hold are reported in {@code errors}. */
    public static SegmentForm parse(FormTree form, FormErrors errors) {
        SegmentForm f = new SegmentForm();
        f.key = form.text("key").strip();
        f.description = form.text("description");
        f.included = form.text("included");
        f.excluded = form.text("excluded");
        for (int i : form.at("rules").indexes()) {
            f.rules.add(Condition.parse(form, "rules." + i, 1, errors));
        }
        return f;
    }

    /** The fields a form shows for this segment (what {@link #parse} reads back). */
    public Map<String, String> fields() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("key", key);
        out.put("description", description);
        out.put("included", included);
        out.put("excluded", excluded);
        for (int i = 0; i < rules.size(); i++) {
            rules.get(i).fields("rules." + i, out);
        }
        return out;
    }

    /**
     * The definition as the document holds it ({@code included}, {@code excluded}, {@code rules}; empty ones left
     * out), and what the form got wrong, each at its field.
     */
    public FlagConfigForm.Result definition() {
        FormErrors errors = new FormErrors();
        ObjectNode o = StoredJson.object();
        ArrayNode in = FormValues.toJson(ValueMode.TEXT, included, "included", errors);
        if (!in.isEmpty()) {
            o.set("included", in);
        }
        ArrayNode ex = FormValues.toJson(ValueMode.TEXT, excluded, "excluded", errors);
        if (!ex.isEmpty()) {
            o.set("excluded", ex);
        }
        if (!rules.isEmpty()) {
            ArrayNode list = o.putArray("rules");
            for (int i = 0; i < rules.size(); i++) {
                list.add(rules.get(i).toJson("rules." + i, errors));
            }
        }
        return new FlagConfigForm.Result(FlagConfigForm.stored(o), errors);
    }

    /** The key and description, checked as the admin API's segment routes check them. */
    public record Checked(String key, String description, List<Violation> violations) {
    }

    /** The admin API's own checks of key (creating) and description. */
    public Checked check(boolean creating) {
        ObjectNode body = StoredJson.object();
        body.put("key", key);
        body.put("description", description);
        Fields f = new Fields(body);
        String k = creating ? f.key("key") : key;
        String d = f.text("description", Fields.MAX_DESCRIPTION, false);
        List<Violation> out = new ArrayList<>();
        for (FieldError e : f.errors()) {
            out.add(new Violation(e.pointer() != null ? e.pointer() : Pointer.of(e.path()), e.message()));
        }
        return new Checked(k, d, out);
    }

    /** The field a place of the segment names ({@code /rules/0/values/1} → {@code rules.0.values}), or null. */
    public String fieldFor(Pointer where) {
        List<String> t = where.tokens();
        if (t.isEmpty()) {
            return null;
        }
        return switch (t.get(0)) {
            case "key", "description", "included", "excluded" -> t.get(0);
            case "rules" -> {
                int i = t.size() > 1 ? Condition.index(t.get(1)) : -1;
                yield i >= 0 && i < rules.size() ? rules.get(i).fieldFor("rules." + i, t, 2) : "rules";
            }
            default -> null;
        };
    }

    /** The place of form field {@code field} in the segment's JSON. */
    public static Pointer pointerOf(String field) {
        Pointer p = Pointer.ROOT;
        for (String token : ConditionEdits.tokens(field)) {
            p = Condition.index(token) >= 0 ? p.index(Condition.index(token)) : p.field(token);
        }
        return p;
    }

    /**
     * Applies an editor action: {@code add-rule}; {@code remove@rules.N}, {@code up@rules.N}, {@code down@rules.N};
     * or a condition action below a rule ({@code add-clause@rules.0}, {@code remove@rules.0.all.1}). Returns what to
     * focus after, or null when it does not apply.
     */
    public String apply(String action) {
        if (action == null) {
            return null;
        }
        if (action.equals("add-rule")) {
            rules.add(Condition.clause());
            return "rules." + (rules.size() - 1) + ".attribute";
        }
        int at = action.indexOf('@');
        if (at < 0) {
            return null;
        }
        String verb = action.substring(0, at);
        List<String> t = ConditionEdits.tokens(action.substring(at + 1));
        if (t.size() < 2 || !t.get(0).equals("rules")) {
            return null;
        }
        int i = Condition.index(t.get(1));
        if (i < 0 || i >= rules.size()) {
            return null;
        }
        if (t.size() == 2 && (verb.equals("remove") || verb.equals("up") || verb.equals("down"))) {
            return FlagConfigForm.listAction(rules, i, verb, "rules", "add-rule");
        }
        return ConditionEdits.apply(rules.get(i), "rules." + i, t.subList(2, t.size()), verb);
    }
}
