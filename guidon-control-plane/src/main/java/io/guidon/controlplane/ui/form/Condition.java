package io.guidon.controlplane.ui.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.StoredJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One condition of a rule or segment as the rules editor holds it (docs/flag-format.md, "Conditions"): a group
 * ({@code all}, {@code any}) of conditions, a {@code not} of one, a segment reference, or a clause. Mutable, for
 * the editor's actions; the values of a clause are kept as the text of their input (one per line) with their type,
 * so that a form re-rendered after an action shows exactly what was typed, valid or not.
 *
 * <p>A condition at form path {@code P} has the fields {@code P.type} (all, any, not, segment, clause), its
 * elements at {@code P.all.N} or {@code P.any.N}, its inner condition at {@code P.not}, and {@code P.segment} or
 * {@code P.attribute}, {@code P.op}, {@code P.mode}, {@code P.values}: the same places as the JSON pointers of the
 * document (/rules/0/when/all/1/op is field rules.0.when.all.1.op), so that an engine error finds its field.
 */
public final class Condition {

    /** The form of a condition. */
    public enum Kind {
        ALL("all"), ANY("any"), NOT("not"), SEGMENT("segment"), CLAUSE("clause");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        static Kind of(String key) {
            for (Kind k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            return null;
        }

        public boolean group() {
            return this == ALL || this == ANY;
        }
    }

    /** How deep a form may nest conditions before the parser stops (the format allows 32 levels). */
    static final int MAX_FORM_DEPTH = 48;

    public Kind kind;
    /** The elements of an all/any group; the one inner condition of a not. */
    public final List<Condition> children = new ArrayList<>();
    public String segment = "";
    public String attribute = "";
    public String op = "in";
    public ValueMode mode = ValueMode.TEXT;
    /** The values, one per line, as typed. */
    public String values = "";

    private Condition(Kind kind) {
        this.kind = kind;
    }

    // ---------------------------------------------------------------- making

    /** An empty clause ({@code in}, no attribute yet). */
    public static Condition clause() {
        return new Condition(Kind.CLAUSE);
    }

    /** A clause of {@code attribute}, {@code op} and values typed by {@code mode}, one per line in {@code values}. */
    public static Condition clause(String attribute, String op, ValueMode mode, String values) {
        Condition c = new Condition(Kind.CLAUSE);
        c.attribute = attribute;
        c.op = op;
        c.mode = mode;
        c.values = values;
        return c;
    }

    /** A group ({@link Kind#ALL} or {@link Kind#ANY}) of {@code elements}. */
    public static Condition group(Kind kind, Condition... elements) {
        if (!kind.group()) {
            throw new IllegalArgumentException("not a group: " + kind);
        }
        Condition c = new Condition(kind);
        c.children.addAll(List.of(elements));
        return c;
    }

    /** {@code not} of {@code inner}. */
    public static Condition not(Condition inner) {
        Condition c = new Condition(Kind.NOT);
        c.children.add(inner);
        return c;
    }

    /** A reference to segment {@code key}. */
    public static Condition segment(String key) {
        Condition c = new Condition(Kind.SEGMENT);
        c.segment = key;
        return c;
    }

    /** A new condition of kind {@code kind} as the editor adds it: a group with one empty clause, an empty clause... */
    public static Condition fresh(Kind kind) {
        return switch (kind) {
            case ALL, ANY -> group(kind, clause());
            case NOT -> not(clause());
            case SEGMENT -> segment("");
            case CLAUSE -> clause();
        };
    }

    /** A deep copy. */
    public Condition copy() {
        Condition c = new Condition(kind);
        for (Condition child : children) {
            c.children.add(child.copy());
        }
        c.segment = segment;
        c.attribute = attribute;
        c.op = op;
        c.mode = mode;
        c.values = values;
        return c;
    }

    /** The operator of this clause, described for the picker. */
    public Operators.Op operator() {
        return Operators.of(op);
    }

    /** The inner condition of a not. */
    public Condition inner() {
        return children.get(0);
    }

    // ---------------------------------------------------------------- JSON

    /**
     * The condition {@code node} of a document (as stored: valid, at most 32 levels). An object with any of the
     * clause fields is a clause; otherwise the first of all, any, not and segment it has.
     */
    public static Condition fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            return clause();
        }
        if (node.has("attribute") || node.has("op") || node.has("values")) {
            Condition c = clause();
            c.attribute = text(node.get("attribute"));
            c.op = text(node.get("op"));
            FormValues.Lines lines = FormValues.fromJson(c.operator(), node.get("values"));
            c.mode = lines.mode();
            c.values = lines.text();
            return c;
        }
        for (Kind k : new Kind[] {Kind.ALL, Kind.ANY}) {
            JsonNode list = node.get(k.key());
            if (list != null) {
                Condition c = new Condition(k);
                if (list.isArray()) {
                    list.forEach(e -> c.children.add(fromJson(e)));
                }
                return c;
            }
        }
        if (node.has("not")) {
            return not(fromJson(node.get("not")));
        }
        if (node.has("segment")) {
            return segment(text(node.get("segment")));
        }
        return clause();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "" : n.isTextual() ? n.textValue() : n.toString();
    }

    /**
     * This condition as the document holds it; what cannot be read (a number that is none, text that cannot be
     * stored) is reported in {@code errors} at its field under {@code path}, and left out.
     */
    public ObjectNode toJson(String path, FormErrors errors) {
        ObjectNode o = StoredJson.object();
        switch (kind) {
            case ALL, ANY -> {
                ArrayNode list = o.putArray(kind.key());
                for (int i = 0; i < children.size(); i++) {
                    list.add(children.get(i).toJson(path + "." + kind.key() + "." + i, errors));
                }
            }
            case NOT -> o.set("not", inner().toJson(path + ".not", errors));
            case SEGMENT -> o.put("segment", checked(segment, path + ".segment", "the segment", errors));
            case CLAUSE -> {
                o.put("attribute", checked(attribute, path + ".attribute", "the attribute", errors));
                o.put("op", checked(op, path + ".op", "the operator", errors));
                ArrayNode v = FormValues.toJson(effectiveMode(), values, path + ".values", errors);
                if (!(operator().input() == Operators.Input.NONE && v.isEmpty())) {
                    o.set("values", v);
                }
            }
        }
        return o;
    }

    static String checked(String text, String field, String what, FormErrors errors) {
        String problem = FormValues.textProblem(text);
        if (problem != null) {
            errors.add(field, what + " " + problem);
            return "";
        }
        return text;
    }

    /**
     * The type the values are read in: the one chosen for {@code in}/{@code notIn}; for the other operators their
     * own (the form offers no choice), unless JSON was chosen (shown for values of another type).
     */
    public ValueMode effectiveMode() {
        Operators.Op o = operator();
        if (mode == ValueMode.JSON) {
            return mode;
        }
        if (o.typed()) {
            return mode == ValueMode.TEXT || mode == ValueMode.NUMBER || mode == ValueMode.BOOLEAN ? mode
                    : ValueMode.TEXT;
        }
        return o.mode();
    }

    // ---------------------------------------------------------------- the form

    /**
     * The condition at {@code path} of {@code form}. A missing or unknown {@code type} is inferred from the fields
     * present; a form nested deeper than any valid document is cut there, with the error at the cut.
     */
    public static Condition parse(FormTree form, String path, int depth, FormErrors errors) {
        FormTree t = form.at(path);
        if (depth > MAX_FORM_DEPTH) {
            errors.add(path, "conditions nest deeper than the form can hold; the limit is 32 levels");
            return clause();
        }
        Kind kind = Kind.of(t.text("type"));
        if (kind == null) {
            kind = t.has("all") ? Kind.ALL : t.has("any") ? Kind.ANY : t.has("not") ? Kind.NOT
                    : t.has("segment") ? Kind.SEGMENT : Kind.CLAUSE;
        }
        Condition c = new Condition(kind);
        switch (kind) {
            case ALL, ANY -> {
                // Elements stay where they were named: a group switched from all to any still has them under all.
                for (String list : new String[] {"all", "any"}) {
                    for (int i : t.at(list).indexes()) {
                        c.children.add(parse(form, path + "." + list + "." + i, depth + 1, errors));
                    }
                }
            }
            case NOT -> c.children.add(t.has("not") ? parse(form, path + ".not", depth + 1, errors) : clause());
            case SEGMENT -> c.segment = t.text("segment");
            case CLAUSE -> {
                c.attribute = t.text("attribute");
                c.op = t.text("op");
                ValueMode m = ValueMode.of(t.text("mode"));
                c.mode = m != null ? m : c.operator().mode();
                c.mode = c.effectiveMode();
                c.values = t.text("values");
            }
        }
        return c;
    }

    /** Adds the fields the form shows for this condition at {@code path} to {@code out} (name → value). */
    public void fields(String path, Map<String, String> out) {
        out.put(path + ".type", kind.key());
        switch (kind) {
            case ALL, ANY -> {
                for (int i = 0; i < children.size(); i++) {
                    children.get(i).fields(path + "." + kind.key() + "." + i, out);
                }
            }
            case NOT -> inner().fields(path + ".not", out);
            case SEGMENT -> out.put(path + ".segment", segment);
            case CLAUSE -> {
                out.put(path + ".attribute", attribute);
                out.put(path + ".op", op);
                if (operator().input() != Operators.Input.NONE) {
                    out.put(path + ".mode", mode.key());
                    out.put(path + ".values", values);
                }
            }
        }
    }

    /** The path of element {@code i} of this group, or of the inner condition of this not, below {@code path}. */
    public String childPath(String path, int i) {
        return kind == Kind.NOT ? path + ".not" : path + "." + kind.key() + "." + i;
    }

    // ---------------------------------------------------------------- places

    /**
     * The field (or, for a place that is no field, the nearest enclosing condition) of this condition at
     * {@code path} that the document place {@code tokens} from {@code i} on names.
     */
    public String fieldFor(String path, List<String> tokens, int i) {
        if (i >= tokens.size()) {
            return path;
        }
        String token = tokens.get(i);
        switch (kind) {
            case ALL, ANY -> {
                if (token.equals(kind.key()) && i + 1 < tokens.size()) {
                    int k = index(tokens.get(i + 1));
                    if (k >= 0 && k < children.size()) {
                        return children.get(k).fieldFor(childPath(path, k), tokens, i + 2);
                    }
                }
                return path;
            }
            case NOT -> {
                return token.equals("not") ? inner().fieldFor(path + ".not", tokens, i + 1) : path;
            }
            case SEGMENT -> {
                return token.equals("segment") ? path + ".segment" : path;
            }
            default -> {
                return switch (token) {
                    case "attribute", "op", "values" -> path + "." + token;
                    default -> path;
                };
            }
        }
    }

    /** The condition at {@code tokens} from {@code i} on, below this one; null when there is none. */
    public Condition locate(List<String> tokens, int i) {
        if (i >= tokens.size()) {
            return this;
        }
        String token = tokens.get(i);
        if (kind.group() && (token.equals("all") || token.equals("any")) && i + 1 < tokens.size()) {
            int k = index(tokens.get(i + 1));
            return k >= 0 && k < children.size() ? children.get(k).locate(tokens, i + 2) : null;
        }
        if (kind == Kind.NOT && token.equals("not")) {
            return inner().locate(tokens, i + 1);
        }
        return null;
    }

    static int index(String token) {
        if (token.isEmpty() || token.length() > 6 || !token.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(token);
    }
}
