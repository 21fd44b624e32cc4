package io.guidon.controlplane.ui.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.api.Fields;
import io.guidon.controlplane.api.Text;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.json.Pointer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flag's configuration in one environment ⇄ the flag page's form, both ways and exactly: {@link #fromJson} and
 * {@link #toJson} convert between the document's JSON and the editor's {@link FlagConfig}; {@link #parse} reads a
 * submitted form and {@link #fields} lists the fields a form shows for a configuration (what {@link #parse} reads
 * back); {@link #fieldFor} finds the form field an engine error's JSON Pointer names; {@link #apply} runs the
 * editor's structural actions (add, remove, move).
 *
 * <p>The form's field names are the document's places with dots: {@code enabled}, {@code offVariant},
 * {@code prerequisites.N.flag|variant}, {@code targets.N.variant|keys} (keys one per line),
 * {@code rules.N.id|description}, {@code rules.N.when...} ({@link Condition}), {@code rules.N.serve...} and
 * {@code fallthrough...} ({@link Serve}).
 */
public final class FlagConfigForm {

    /** A configuration read from a form: the JSON for the service, and what the form itself got wrong. */
    public record Result(ObjectNode config, FormErrors errors) {
    }

    private FlagConfigForm() {
    }

    // ---------------------------------------------------------------- JSON

    /** The editor's model of {@code config} (a flag's configuration as stored). */
    public static FlagConfig fromJson(JsonNode config) {
        FlagConfig c = new FlagConfig();
        if (config == null || !config.isObject()) {
            return c;
        }
        c.enabled = config.path("enabled").asBoolean(false);
        c.offVariant = text(config.get("offVariant"));
        for (JsonNode p : array(config.get("prerequisites"))) {
            c.prerequisites.add(new FlagConfig.Prerequisite(text(p.get("flag")), text(p.get("variant"))));
        }
        for (JsonNode t : array(config.get("targets"))) {
            List<String> keys = new java.util.ArrayList<>();
            for (JsonNode k : array(t.get("values"))) {
                keys.add(k.isTextual() ? k.textValue() : k.toString());
            }
            c.targets.add(new FlagConfig.Target(text(t.get("variant")), FormValues.join(keys)));
        }
        for (JsonNode r : array(config.get("rules"))) {
            c.rules.add(new FlagConfig.Rule(text(r.get("id")), text(r.get("description")),
                    Condition.fromJson(r.get("when")), Serve.fromJson(r.get("serve"))));
        }
        c.fallthrough = Serve.fromJson(config.get("fallthrough"));
        return c;
    }

    /**
     * The configuration {@code c} holds, as the document has it (empty lists and descriptions left out, as a
     * stored configuration has them), and the values of the form that could not be read, each at its field.
     * Checks the text the admin API checks (rule descriptions are plain text); everything else is the engine's.
     */
    public static Result toJson(FlagConfig c) {
        FormErrors errors = new FormErrors();
        ObjectNode o = StoredJson.object();
        o.put("enabled", c.enabled);
        o.put("offVariant", Condition.checked(c.offVariant, "offVariant", "the off variant", errors));
        if (!c.prerequisites.isEmpty()) {
            ArrayNode list = o.putArray("prerequisites");
            for (int i = 0; i < c.prerequisites.size(); i++) {
                FlagConfig.Prerequisite p = c.prerequisites.get(i);
                ObjectNode e = list.addObject();
                e.put("flag", Condition.checked(p.flag, "prerequisites." + i + ".flag", "the flag", errors));
                e.put("variant", Condition.checked(p.variant, "prerequisites." + i + ".variant", "the variant",
                        errors));
            }
        }
        if (!c.targets.isEmpty()) {
            ArrayNode list = o.putArray("targets");
            for (int i = 0; i < c.targets.size(); i++) {
                FlagConfig.Target t = c.targets.get(i);
                ObjectNode e = list.addObject();
                e.put("variant", Condition.checked(t.variant, "targets." + i + ".variant", "the variant", errors));
                e.set("values", FormValues.toJson(ValueMode.TEXT, t.keys, "targets." + i + ".keys", errors));
            }
        }
        if (!c.rules.isEmpty()) {
            ArrayNode list = o.putArray("rules");
            for (int i = 0; i < c.rules.size(); i++) {
                FlagConfig.Rule r = c.rules.get(i);
                String path = "rules." + i;
                ObjectNode e = list.addObject();
                e.put("id", Condition.checked(r.id, path + ".id", "the rule id", errors));
                if (!r.description.isEmpty()) {
                    // The admin API's words for a rule description (Routes.ruleDescriptions): plain text.
                    String problem = Text.problem(r.description, Fields.MAX_DESCRIPTION);
                    if (problem == null) {
                        problem = FormValues.textProblem(r.description);
                    }
                    if (problem != null) {
                        errors.add(path + ".description", "the description " + problem);
                    } else {
                        e.put("description", r.description);
                    }
                }
                e.set("when", r.when.toJson(path + ".when", errors));
                e.set("serve", r.serve.toJson(path + ".serve", errors));
            }
        }
        o.set("fallthrough", c.fallthrough.toJson("fallthrough", errors));
        return new Result(stored(o), errors);
    }

    // ---------------------------------------------------------------- the form

    /** The configuration a submitted form holds (never fails: what cannot be read is judged by {@link #toJson}). */
    public static FlagConfig parse(FormTree form) {
        FormErrors ignored = new FormErrors();
        FlagConfig c = new FlagConfig();
        c.enabled = form.text("enabled").equals("true");
        c.offVariant = form.text("offVariant");
        for (FormTree p : form.at("prerequisites").elements()) {
            c.prerequisites.add(new FlagConfig.Prerequisite(p.text("flag").strip(), p.text("variant")));
        }
        for (FormTree t : form.at("targets").elements()) {
            c.targets.add(new FlagConfig.Target(t.text("variant"), t.text("keys")));
        }
        for (int i : form.at("rules").indexes()) {
            String path = "rules." + i;
            FormTree r = form.at(path);
            c.rules.add(new FlagConfig.Rule(r.text("id").strip(), r.text("description"),
                    Condition.parse(form, path + ".when", 1, ignored), Serve.parse(form, path + ".serve")));
        }
        c.fallthrough = Serve.parse(form, "fallthrough");
        return c;
    }

    /**
     * Reads a submitted form: its configuration and what could not be read, including conditions nested deeper
     * than a form may hold (reported at the cut).
     */
    public static Result read(FormTree form) {
        FormErrors depth = new FormErrors();
        for (int i : form.at("rules").indexes()) {
            Condition.parse(form, "rules." + i + ".when", 1, depth);
        }
        Result r = toJson(parse(form));
        return new Result(r.config(), depth.addAll(r.errors()));
    }

    /**
     * The fields a form shows for {@code c}, by name, as {@link #parse} reads them back (rollout rows without a
     * percentage are not fields of the configuration and are left out).
     */
    public static Map<String, String> fields(FlagConfig c) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("enabled", Boolean.toString(c.enabled));
        out.put("offVariant", c.offVariant);
        for (int i = 0; i < c.prerequisites.size(); i++) {
            out.put("prerequisites." + i + ".flag", c.prerequisites.get(i).flag);
            out.put("prerequisites." + i + ".variant", c.prerequisites.get(i).variant);
        }
        for (int i = 0; i < c.targets.size(); i++) {
            out.put("targets." + i + ".variant", c.targets.get(i).variant);
            out.put("targets." + i + ".keys", c.targets.get(i).keys);
        }
        for (int i = 0; i < c.rules.size(); i++) {
            FlagConfig.Rule r = c.rules.get(i);
            out.put("rules." + i + ".id", r.id);
            out.put("rules." + i + ".description", r.description);
            r.when.fields("rules." + i + ".when", out);
            r.serve.fields("rules." + i + ".serve", out);
        }
        c.fallthrough.fields("fallthrough", out);
        return out;
    }

    // ---------------------------------------------------------------- places

    /**
     * The form field of {@code c} that the engine's place {@code where} (relative to the flag:
     * {@code /rules/0/when/all/1/values/0}) names: the field itself ({@code rules.0.when.all.1.values}), or the
     * nearest enclosing part of the form that the editor shows its errors at ({@code rules.0}, {@code targets});
     * null for a place outside the configuration (the top of the form shows it). {@code declared} are the flag's
     * variants, for the rows of rollouts as the form shows them.
     */
    public static String fieldFor(FlagConfig c, Pointer where, List<String> declared) {
        List<String> t = where.tokens();
        if (t.isEmpty()) {
            return null;
        }
        switch (t.get(0)) {
            case "enabled", "offVariant" -> {
                return t.get(0);
            }
            case "prerequisites" -> {
                int i = t.size() > 1 ? Condition.index(t.get(1)) : -1;
                if (i < 0 || i >= c.prerequisites.size()) {
                    return "prerequisites";
                }
                return t.size() > 2 && (t.get(2).equals("flag") || t.get(2).equals("variant"))
                        ? "prerequisites." + i + "." + t.get(2) : "prerequisites." + i;
            }
            case "targets" -> {
                int i = t.size() > 1 ? Condition.index(t.get(1)) : -1;
                if (i < 0 || i >= c.targets.size()) {
                    return "targets";
                }
                if (t.size() > 2) {
                    return t.get(2).equals("variant") ? "targets." + i + ".variant" : "targets." + i + ".keys";
                }
                return "targets." + i;
            }
            case "rules" -> {
                int i = t.size() > 1 ? Condition.index(t.get(1)) : -1;
                if (i < 0 || i >= c.rules.size()) {
                    return "rules";
                }
                String path = "rules." + i;
                if (t.size() == 2) {
                    return path;
                }
                FlagConfig.Rule r = c.rules.get(i);
                return switch (t.get(2)) {
                    case "id", "description" -> path + "." + t.get(2);
                    case "when" -> r.when.fieldFor(path + ".when", t, 3);
                    case "serve" -> r.serve.fieldFor(path + ".serve", t, 3, r.serve.rows(declared));
                    default -> path;
                };
            }
            case "fallthrough" -> {
                return c.fallthrough.fieldFor("fallthrough", t, 1, c.fallthrough.rows(declared));
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The place of form field {@code field} as a pointer into the configuration: what a problem the form found is
     * reported at to the service (a rollout row by its variant), so that the one answer lists both kinds.
     */
    public static Pointer pointerOf(FlagConfig c, String field) {
        List<String> t = ConditionEdits.tokens(field);
        Pointer p = Pointer.ROOT;
        for (int i = 0; i < t.size(); i++) {
            String token = t.get(i);
            if (token.equals("rollout") && i + 2 < t.size()) {
                Serve s = serveAt(c, t.subList(0, i));
                int row = Condition.index(t.get(i + 1));
                if (s != null && row >= 0 && row < s.weights.size()) {
                    return p.field("rollout").field(s.weights.get(row).variant);
                }
                return p.field("rollout");
            }
            if (token.equals("keys") && i > 0) {
                return p.field("values");
            }
            p = Condition.index(token) >= 0 ? p.index(Condition.index(token)) : p.field(token);
        }
        return p;
    }

    private static Serve serveAt(FlagConfig c, List<String> t) {
        if (t.equals(List.of("fallthrough"))) {
            return c.fallthrough;
        }
        if (t.size() == 3 && t.get(0).equals("rules") && t.get(2).equals("serve")) {
            int i = Condition.index(t.get(1));
            return i >= 0 && i < c.rules.size() ? c.rules.get(i).serve : null;
        }
        return null;
    }

    // ---------------------------------------------------------------- actions

    /**
     * Applies the editor's action {@code action} ({@code verb@path}: {@code add-rule}, {@code remove@rules.2},
     * {@code up@rules.1}, {@code add-clause@rules.0.when}, {@code remove@rules.0.when.all.1},
     * {@code add-prerequisite}, {@code remove@targets.0}...) to {@code c}; returns the field or button to focus
     * afterwards, or null when the action does not apply (a stale or forged path: nothing changes).
     */
    public static String apply(FlagConfig c, String action, List<String> declared) {
        if (action == null) {
            return null;
        }
        int at = action.indexOf('@');
        String verb = at < 0 ? action : action.substring(0, at);
        List<String> t = ConditionEdits.tokens(at < 0 ? "" : action.substring(at + 1));
        String first = declared.isEmpty() ? "" : declared.get(0);
        switch (verb) {
            case "add-rule" -> {
                c.rules.add(new FlagConfig.Rule(c.freshRuleId(), "",
                        Condition.group(Condition.Kind.ALL, Condition.clause()), Serve.variant(first)));
                return "rules." + (c.rules.size() - 1) + ".when.all.0.attribute";
            }
            case "add-prerequisite" -> {
                c.prerequisites.add(new FlagConfig.Prerequisite("", ""));
                return "prerequisites." + (c.prerequisites.size() - 1) + ".flag";
            }
            case "add-target" -> {
                c.targets.add(new FlagConfig.Target(first, ""));
                return "targets." + (c.targets.size() - 1) + ".keys";
            }
            default -> {
                // the verbs below act on a path
            }
        }
        if (t.size() < 2) {
            return null;
        }
        int i = Condition.index(t.get(1));
        switch (t.get(0)) {
            case "prerequisites" -> {
                return t.size() == 2 && verb.equals("remove") && i >= 0 && i < c.prerequisites.size()
                        ? removed(c.prerequisites, i, "add-prerequisite") : null;
            }
            case "targets" -> {
                return t.size() == 2 && verb.equals("remove") && i >= 0 && i < c.targets.size()
                        ? removed(c.targets, i, "add-target") : null;
            }
            case "rules" -> {
                if (i < 0 || i >= c.rules.size()) {
                    return null;
                }
                if (t.size() == 2) {
                    return listAction(c.rules, i, verb, "rules", "add-rule");
                }
                if (t.get(2).equals("when")) {
                    return ConditionEdits.apply(c.rules.get(i).when, "rules." + i + ".when", t.subList(3, t.size()),
                            verb);
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private static String removed(List<?> list, int i, String whenEmpty) {
        list.remove(i);
        return whenEmpty;
    }

    /** Remove or move element {@code i} of {@code list} (form path {@code name.i}); what to focus after. */
    static String listAction(List<?> list, int i, String verb, String name, String add) {
        switch (verb) {
            case "remove" -> {
                list.remove(i);
                return add;
            }
            case "up", "down" -> {
                int to = verb.equals("up") ? i - 1 : i + 1;
                if (to < 0 || to >= list.size()) {
                    return null;
                }
                Collections.swap(list, i, to);
                return ConditionEdits.moveFocus(verb, name + "." + to, to, list.size());
            }
            default -> {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * {@code o} with the nodes a stored configuration has (numbers of the node class the database read gives), so
     * that comparing it with a stored one compares values, not how each was built.
     */
    static ObjectNode stored(ObjectNode o) {
        return (ObjectNode) StoredJson.parse(StoredJson.write(o));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.isTextual() ? n.textValue() : n.toString();
    }

    private static Iterable<JsonNode> array(JsonNode n) {
        return n != null && n.isArray() ? n : List.of();
    }
}
