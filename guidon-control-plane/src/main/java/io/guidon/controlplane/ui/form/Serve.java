package io.guidon.controlplane.ui.form;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.StoredJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a rule or the fallthrough serves (docs/flag-format.md, "Serve"): one variant, or a rollout of percentages by
 * variant in bucket order, optionally bucketed by an attribute. Percentages are kept as typed, so a form shows what
 * was entered; they become numbers of the kind written ({@code 10} an integer, {@code 33.333} a decimal).
 *
 * <p>At form path {@code P}: {@code P.mode} (variant or rollout), {@code P.variant}, the rollout's rows
 * {@code P.rollout.N.variant} and {@code P.rollout.N.weight} (a row without a percentage is left out), and
 * {@code P.bucketBy}.
 */
public final class Serve {

    /** One row of a rollout: a variant and its percentage as typed. */
    public static final class Weight {
        public String variant;
        public String percent;

        public Weight(String variant, String percent) {
            this.variant = variant;
            this.percent = percent;
        }
    }

    public boolean rollout;
    public String variant = "";
    public final List<Weight> weights = new ArrayList<>();
    public String bucketBy = "";

    /** Serving variant {@code variant}. */
    public static Serve variant(String variant) {
        Serve s = new Serve();
        s.variant = variant;
        return s;
    }

    public Serve copy() {
        Serve s = new Serve();
        s.rollout = rollout;
        s.variant = variant;
        weights.forEach(w -> s.weights.add(new Weight(w.variant, w.percent)));
        s.bucketBy = bucketBy;
        return s;
    }

    /** The percentage of {@code variant} as typed, or "" when the rollout does not list it. */
    public String percentOf(String name) {
        for (Weight w : weights) {
            if (w.variant.equals(name)) {
                return w.percent;
            }
        }
        return "";
    }

    /**
     * The rows a form shows: the rollout's variants in its order, then every other variant of {@code declared}
     * (empty: not part of the rollout), so that any variant can be given a share.
     */
    public List<Weight> rows(List<String> declared) {
        List<Weight> out = new ArrayList<>();
        weights.forEach(w -> out.add(new Weight(w.variant, w.percent)));
        for (String d : declared) {
            if (out.stream().noneMatch(w -> w.variant.equals(d))) {
                out.add(new Weight(d, ""));
            }
        }
        return out;
    }

    /**
     * The sum of the percentages that read as numbers, as plain text ({@code "100"}, {@code "99.999"}), for the
     * form's running total; the server's check is the engine's.
     */
    public String sum() {
        BigDecimal total = BigDecimal.ZERO;
        for (Weight w : weights) {
            JsonNode n = FormValues.number(w.percent);
            if (n != null) {
                total = total.add(n.decimalValue());
            }
        }
        return total.stripTrailingZeros().toPlainString();
    }

    // ---------------------------------------------------------------- JSON

    /** The serve {@code node} of a document. */
    public static Serve fromJson(JsonNode node) {
        Serve s = new Serve();
        if (node == null || !node.isObject()) {
            return s;
        }
        JsonNode r = node.get("rollout");
        if (r != null && !r.isNull()) {
            s.rollout = true;
            if (r.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    s.weights.add(new Weight(e.getKey(), e.getValue().isNumber() ? FormValues.numberText(e.getValue())
                            : e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString()));
                }
            }
        }
        JsonNode v = node.get("variant");
        if (v != null && v.isTextual()) {
            s.variant = v.textValue();
        }
        JsonNode b = node.get("bucketBy");
        if (b != null && b.isTextual()) {
            s.bucketBy = b.textValue();
        }
        return s;
    }

    /**
     * This serve as the document holds it; a percentage that is no number, or text that cannot be stored, is
     * reported at its field under {@code path} and left out. The bucketing attribute belongs to a rollout only: it
     * is dropped from a fixed variant (the form hides it there).
     */
    public ObjectNode toJson(String path, FormErrors errors) {
        ObjectNode o = StoredJson.object();
        if (!rollout) {
            o.put("variant", Condition.checked(variant, path + ".variant", "the variant", errors));
            return o;
        }
        ObjectNode r = o.putObject("rollout");
        for (int i = 0; i < weights.size(); i++) {
            Weight w = weights.get(i);
            String field = path + ".rollout." + i + ".weight";
            String problem = FormValues.numberProblem(w.percent);
            if (problem != null) {
                errors.add(field, "the percentage of '" + w.variant + "': " + problem);
                continue;
            }
            if (r.has(w.variant)) {
                // Two rows of one variant would silently merge into the last one's share.
                errors.add(field, "the variant '" + w.variant + "' has two rows in this rollout: give it one"
                        + " percentage");
                continue;
            }
            r.set(Condition.checked(w.variant, field, "the variant", errors), FormValues.number(w.percent));
        }
        if (!bucketBy.isEmpty()) {
            o.put("bucketBy", Condition.checked(bucketBy, path + ".bucketBy", "the attribute", errors));
        }
        return o;
    }

    // ---------------------------------------------------------------- the form

    /** The serve at {@code path} of {@code form}. */
    public static Serve parse(FormTree form, String path) {
        FormTree t = form.at(path);
        Serve s = new Serve();
        s.rollout = t.text("mode").equals("rollout");
        s.variant = t.text("variant");
        s.bucketBy = t.text("bucketBy");
        for (FormTree row : t.at("rollout").elements()) {
            String name = row.text("variant");
            String weight = row.text("weight");
            if (!weight.isBlank() && !name.isEmpty()) {
                s.weights.add(new Weight(name, weight.strip()));
            }
        }
        return s;
    }

    /** Adds the fields the form shows for this serve at {@code path} to {@code out}. */
    public void fields(String path, Map<String, String> out) {
        out.put(path + ".mode", rollout ? "rollout" : "variant");
        out.put(path + ".variant", variant);
        for (int i = 0; i < weights.size(); i++) {
            out.put(path + ".rollout." + i + ".variant", weights.get(i).variant);
            out.put(path + ".rollout." + i + ".weight", weights.get(i).percent);
        }
        out.put(path + ".bucketBy", bucketBy);
    }

    /**
     * The field of this serve at {@code path} that the document place {@code tokens} from {@code i} names: a
     * rollout's percentage by its variant's row among {@code rows} (as the form shows them).
     */
    public String fieldFor(String path, List<String> tokens, int i, List<Weight> rows) {
        if (i >= tokens.size()) {
            return path;
        }
        return switch (tokens.get(i)) {
            case "variant" -> path + ".variant";
            case "bucketBy" -> path + ".bucketBy";
            case "rollout" -> {
                if (i + 1 < tokens.size()) {
                    for (int k = 0; k < rows.size(); k++) {
                        if (rows.get(k).variant.equals(tokens.get(i + 1))) {
                            yield path + ".rollout." + k + ".weight";
                        }
                    }
                }
                yield path + ".rollout";
            }
            default -> path;
        };
    }
}
