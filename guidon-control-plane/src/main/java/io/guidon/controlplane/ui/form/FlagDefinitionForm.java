package io.guidon.controlplane.ui.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.api.FieldError;
import io.guidon.controlplane.api.Fields;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.FlagFields;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A flag's definition as the create and edit forms hold it: key (creating only), display name, description, tags (one per line),
 * the variants' type (one for the flag: boolean, string, number or object) and the variants as rows of a name and a
 * value as typed, and (creating only) which row is the default off variant.
 *
 * <p>Fields: {@code key}, {@code name}, {@code description}, {@code tags}, {@code type}, {@code variants.N.name},
 * {@code variants.N.value}, {@code offVariant} (a row index). Read into the admin API's request body and checked by
 * the API's own field checks ({@link Fields}), so the form accepts exactly what the API accepts.
 */
public final class FlagDefinitionForm {

    /** The variant types a flag can have (docs/flag-format.md, "Variants and flag types"). */
    public static final List<String> TYPES = List.of("boolean", "string", "number", "object");

    /** One variant row: its name and value as typed. */
    public static final class Variant {
        public String name;
        public String value;

        public Variant(String name, String value) {
            this.name = name;
            this.value = value;
        }
    }

    public String key = "";
    public String name = "";
    public String description = "";
    public String tags = "";
    public String type = "boolean";
    public final List<Variant> variants = new ArrayList<>();
    /** The row of the default off variant (creating a flag); -1 when none is chosen. */
    public int offVariant = -1;

    /** The form of a new flag: a boolean flag with variants on (true) and off (false), off by default. */
    public static FlagDefinitionForm fresh() {
        FlagDefinitionForm f = new FlagDefinitionForm();
        f.variants.add(new Variant("on", "true"));
        f.variants.add(new Variant("off", "false"));
        f.offVariant = 1;
        return f;
    }

    /** The form of flag {@code def} as stored. */
    public static FlagDefinitionForm of(FlagDefinition def) {
        FlagDefinitionForm f = new FlagDefinitionForm();
        f.key = def.key();
        f.name = def.name() == null ? "" : def.name();
        f.description = def.description() == null ? "" : def.description();
        f.tags = FormValues.join(def.tags());
        f.type = typeOf(def.variants());
        if (def.variants() != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = def.variants().fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                f.variants.add(new Variant(e.getKey(), valueText(e.getValue())));
            }
        }
        return f;
    }

    /** The type of {@code variants}: that of the first (a stored flag's variants all have one type). */
    static String typeOf(JsonNode variants) {
        if (variants == null || !variants.isObject() || variants.isEmpty()) {
            return "boolean";
        }
        JsonNode first = variants.elements().next();
        return first.isBoolean() ? "boolean" : first.isTextual() ? "string" : first.isNumber() ? "number" : "object";
    }

    /** A variant value as its input shows it: a string as is, a number as written, an object as JSON. */
    public static String valueText(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber()) {
            return FormValues.numberText(v);
        }
        if (v.isBoolean()) {
            return Boolean.toString(v.booleanValue());
        }
        try {
            return StoredJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return StoredJson.write(v);
        }
    }

    // ---------------------------------------------------------------- the form

    /** The definition a submitted form holds. */
    public static FlagDefinitionForm parse(FormTree form) {
        FlagDefinitionForm f = new FlagDefinitionForm();
        f.key = form.text("key").strip();
        f.name = form.text("name");
        f.description = form.text("description");
        f.tags = form.text("tags");
        f.type = TYPES.contains(form.text("type")) ? form.text("type") : "string";
        for (FormTree row : form.at("variants").elements()) {
            f.variants.add(new Variant(row.text("name").strip(), row.text("value")));
        }
        int off = Condition.index(form.text("offVariant"));
        f.offVariant = off < f.variants.size() ? off : -1;
        return f;
    }

    /** The admin API's request body this form makes, and what the form itself got wrong (values that do not read). */
    public record Body(ObjectNode body, FormErrors errors) {
    }

    /** The request body of this form ({@code key} and {@code offVariant} only when {@code creating}). */
    public Body body(boolean creating) {
        FormErrors errors = new FormErrors();
        ObjectNode o = StoredJson.object();
        if (creating) {
            o.put("key", key);
        }
        o.put("name", name);
        o.put("description", description);
        ArrayNode t = o.putArray("tags");
        FormValues.lines(tags).forEach(line -> t.add(line.strip()));
        ObjectNode v = o.putObject("variants");
        for (int i = 0; i < variants.size(); i++) {
            Variant row = variants.get(i);
            String field = "variants." + i;
            if (row.name.isEmpty()) {
                errors.add(field + ".name", "a variant needs a name (such as on, off, control or blue)");
                continue;
            }
            if (v.has(row.name)) {
                errors.add(field + ".name", "variant '" + row.name + "' is named twice; names are unique");
                continue;
            }
            String problem = FormValues.textProblem(row.name);
            if (problem != null) {
                errors.add(field + ".name", "the name " + problem);
                continue;
            }
            JsonNode value = value(row.value, field + ".value", errors);
            if (value != null) {
                v.set(row.name, value);
            }
        }
        if (creating && offVariant >= 0 && offVariant < variants.size()) {
            o.put("offVariant", variants.get(offVariant).name);
        }
        return new Body(o, errors);
    }

    private JsonNode value(String text, String field, FormErrors errors) {
        switch (type) {
            case "boolean" -> {
                String b = text.strip();
                if (b.equals("true") || b.equals("false")) {
                    return StoredJson.NODES.booleanNode(Boolean.parseBoolean(b));
                }
                errors.add(field, "must be true or false");
                return null;
            }
            case "number" -> {
                String problem = FormValues.numberProblem(text);
                if (problem != null) {
                    errors.add(field, problem);
                    return null;
                }
                return FormValues.number(text);
            }
            case "object" -> {
                return FormValues.json(text, field, "the value", errors);
            }
            default -> {
                String problem = FormValues.textProblem(text);
                if (problem != null) {
                    errors.add(field, "the value " + problem);
                    return null;
                }
                return StoredJson.NODES.textNode(text);
            }
        }
    }

    /**
     * The admin API's field checks of {@code body} (as its create and update routes make them: key, name,
     * description, tags, variants), each problem as the service takes them; and the definition's fields for the service.
     */
    public record Checked(String key, FlagFields fields, String offVariant, List<Violation> violations) {
    }

    /** Checks {@code body} with the admin API's own field checks (Routes.definition and createFlag). */
    public static Checked check(ObjectNode body, boolean creating) {
        Fields f = new Fields(body);
        String key = creating ? f.key("key") : null;
        String name = f.text("name", Fields.MAX_NAME, false);
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        List<String> tags = f.strings("tags", 50, 64);
        JsonNode variants = f.raw("variants");
        if (variants == null || !variants.isObject() || variants.isEmpty()) {
            f.error("variants", "must be a non-empty object of variant values by name, not "
                    + (variants != null && variants.isObject() ? "an empty object" : "missing"));
        }
        JsonNode off = f.raw("offVariant");
        String offVariant = off != null && off.isTextual() && variants != null && variants.has(off.textValue())
                ? off.textValue() : null;
        List<Violation> out = new ArrayList<>();
        for (FieldError e : f.errors()) {
            out.add(new Violation(e.pointer() != null ? e.pointer() : Pointer.of(e.path()), e.message()));
        }
        return new Checked(key, new FlagFields(name, description, tags, variants, null, null), offVariant, out);
    }

    // ---------------------------------------------------------------- places and actions

    /** The field a place of the request body names ({@code /variants/on} → that variant's value), or null. */
    public String fieldFor(Pointer where) {
        List<String> t = where.tokens();
        if (t.isEmpty()) {
            return null;
        }
        return switch (t.get(0)) {
            case "key", "name", "description", "offVariant" -> t.get(0);
            case "tags" -> "tags";
            case "variants" -> {
                if (t.size() > 1) {
                    for (int i = 0; i < variants.size(); i++) {
                        if (variants.get(i).name.equals(t.get(1))) {
                            yield "variants." + i + ".value";
                        }
                    }
                }
                yield "variants";
            }
            default -> null;
        };
    }

    /** The place of form field {@code field} in the request body ({@code variants.1.value} → /variants/off). */
    public Pointer pointerOf(String field) {
        List<String> t = ConditionEdits.tokens(field);
        if (t.size() >= 2 && t.get(0).equals("variants")) {
            int i = Condition.index(t.get(1));
            if (i >= 0 && i < variants.size() && !variants.get(i).name.isEmpty()) {
                return Pointer.of("variants", variants.get(i).name);
            }
            return Pointer.of("variants");
        }
        return Pointer.of(t.isEmpty() ? "" : t.get(0));
    }

    /** Applies {@code add-variant} or {@code remove@variants.N}; what to focus after, or null. */
    public String apply(String action) {
        if ("add-variant".equals(action)) {
            variants.add(new Variant("", type.equals("boolean") ? "false" : type.equals("object") ? "{}" : ""));
            return "variants." + (variants.size() - 1) + ".name";
        }
        if (action != null && action.startsWith("remove@variants.")) {
            int i = Condition.index(action.substring("remove@variants.".length()));
            if (i >= 0 && i < variants.size()) {
                variants.remove(i);
                if (offVariant == i) {
                    offVariant = -1;
                } else if (offVariant > i) {
                    offVariant--;
                }
                return "add-variant";
            }
        }
        return null;
    }
}
