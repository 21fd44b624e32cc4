package io.guidon.controlplane.ui.view;

import static io.guidon.controlplane.ui.view.FormFields.text;
import static io.guidon.controlplane.ui.view.FormFields.raw;
import static io.guidon.controlplane.ui.view.FormFields.or;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.Experiment;
import io.guidon.controlplane.domain.ExperimentSpec;
import io.guidon.controlplane.domain.MetricSpec;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The experiment editor as typed, with its problems at its fields: the environment and flag, the flag's variants
 * (each compared or not, with an optional planned weight), the control, the metrics by role (one primary, any
 * secondary and guardrails), and the analysis (method, sequential or fixed horizon, α, power, minimum detectable
 * effect, correction, CUPED's pre-exposure window). {@link #body} turns it into the admin API's body ({@code POST
 * /api/v1/experiments}, {@code PUT /api/v1/experiments/{id}}), judged by the API's own reading, so the rules and
 * words are the API's; {@link #withViolations} puts each violation next to the field that typed it.
 *
 * <p>The minimum detectable effect is typed in percent (5 means a relative lift of 5 %, the API's 0.05).
 *
 * @param id the experiment's id when editing, null when creating
 * @param variants one row per variant of the flag, in the flag's order
 * @param errors field name to message; {@link #GENERAL} for a problem of no one field
 */
public record ExperimentForm(Long id, String key, String name, String hypothesis, String environment, String flag,
        String control, List<VariantField> variants, String primary, List<String> secondary, List<String> guardrails,
        String method, boolean sequential, String alpha, String power, String mde, String correction, String cuped,
        Map<String, String> errors) implements FieldErrors {

    /** The key of a problem of the whole form. */
    public static final String GENERAL = "form";
    public static final List<String> METHODS = List.of("frequentist", "bayesian");
    public static final List<String> CORRECTIONS = List.of("holm", "benjamini_hochberg", "none");
    /** What the minimum detectable effect's field says when the API refused the effect. */
    static final String MDE_PROBLEM = "Enter a relative lift in percent, above 0.0001 and below 100000: 5 means"
            + " +5 %. Leave it empty for none.";

    /** A variant of the flag: whether it is compared, and its planned weight as typed ("" for none). */
    public record VariantField(String key, boolean included, String weight) {
        /** The name of its weight's form field. */
        public String weightField() {
            return "weight:" + key;
        }
    }

    public ExperimentForm {
        variants = List.copyOf(variants);
        secondary = List.copyOf(secondary);
        guardrails = List.copyOf(guardrails);
        errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /**
     * A fresh form for {@code flag} in {@code environment}: every variant compared, the control {@code off} when
     * there is one (else the first), the API's default analysis (frequentist, fixed horizon, α 0.05, power 0.8,
     * Holm).
     */
    public static ExperimentForm fresh(String environment, String flag, List<String> flagVariants) {
        List<VariantField> rows = flagVariants.stream().map(v -> new VariantField(v, true, "")).toList();
        String control = flagVariants.contains("off") ? "off" : flagVariants.isEmpty() ? "" : flagVariants.get(0);
        return new ExperimentForm(null, "", "", "", environment, flag, control, rows, "", List.of(), List.of(),
                "frequentist", false, "0.05", "0.8", "", "holm", "", Map.of());
    }

    /**
     * The form as posted: {@code field} reads one form field (null when absent), {@code all} every value of a
     * repeated one (the ticked boxes {@code variant}, {@code secondary}, {@code guardrail}); {@code flagVariants}
     * are the flag's variants, whose rows the form showed.
     */
    public static ExperimentForm parse(Long id, Function<String, String> field, Function<String, List<String>> all,
            List<String> flagVariants) {
        List<String> ticked = all.apply("variant");
        List<VariantField> rows = new ArrayList<>();
        for (String v : flagVariants) {
            rows.add(new VariantField(v, ticked.contains(v), text(field, "weight:" + v)));
        }
        return new ExperimentForm(id, text(field, "key"), raw(field, "name"), raw(field, "hypothesis"),
                text(field, "environment"), text(field, "flag"), text(field, "control"), rows,
                text(field, "primary"), all.apply("secondary"), all.apply("guardrail"),
                or(text(field, "method"), "frequentist"), field.apply("sequential") != null
                        && !field.apply("sequential").isEmpty(), text(field, "alpha"), text(field, "power"),
                text(field, "mde"), or(text(field, "correction"), "holm"), text(field, "cuped"), Map.of());
    }

    /**
     * The edit form of {@code e} as stored, with a row per variant of its flag ({@code flagVariants}; a compared
     * variant the flag no longer has keeps its row, after them).
     */
    public static ExperimentForm of(Experiment e, List<String> flagVariants) {
        ExperimentSpec s = e.spec();
        Map<String, String> weights = new LinkedHashMap<>();
        for (ExperimentSpec.Variant v : s.variants()) {
            weights.put(v.key(), v.weight() == null ? "" : Figures.number(v.weight()));
        }
        List<VariantField> rows = new ArrayList<>();
        for (String v : flagVariants) {
            rows.add(new VariantField(v, weights.containsKey(v), weights.getOrDefault(v, "")));
        }
        weights.forEach((v, w) -> {
            if (!flagVariants.contains(v)) {
                rows.add(new VariantField(v, true, w));
            }
        });
        ExperimentSpec.Analysis a = s.analysis();
        return new ExperimentForm(e.id(), s.key(), s.name(), s.hypothesis(), s.environment(), s.flag(),
                s.controlVariant(), rows, s.metrics().primary(), s.metrics().secondary(), s.metrics().guardrails(),
                MetricSpec.jsonName(a.method()), a.sequential(), Figures.number(a.alpha()), Figures.number(a.power()),
                a.minimumDetectableEffect() == null ? "" : Figures.number(a.minimumDetectableEffect() * 100),
                MetricSpec.jsonName(a.correction()),
                a.cupedPreExposure() == null ? "" : Figures.duration(a.cupedPreExposure()), Map.of());
    }

    /** Whether this form changes an existing experiment. */
    public boolean editing() {
        return id != null;
    }

    /** The form's action: {@code /ui/experiments} to create, {@code /ui/experiments/<id>} to change. */
    public String action() {
        return editing() ? "/ui/experiments/" + id : "/ui/experiments";
    }

    /** The API's body of this form. */
    public ObjectNode body() {
        ObjectNode o = StoredJson.object();
        o.put("key", key);
        o.put("name", name);
        if (!hypothesis.isEmpty()) {
            o.put("hypothesis", hypothesis);
        }
        o.put("environment", environment);
        o.put("flag", flag);
        o.put("controlVariant", control);
        ArrayNode vs = o.putArray("variants");
        boolean weighted = variants.stream().anyMatch(v -> v.included() && !v.weight().isEmpty());
        for (VariantField v : variants) {
            if (!v.included()) {
                continue;
            }
            ObjectNode x = vs.addObject();
            x.put("key", v.key());
            if (weighted) {
                // All weights or none: a blank one among typed ones goes as typed, for the API to say so.
                FormNumbers.put(x, "weight", v.weight());
            }
        }
        ObjectNode m = o.putObject("metrics");
        if (!primary.isEmpty()) {
            m.put("primary", primary);
        }
        if (!secondary.isEmpty()) {
            secondary.forEach(m.putArray("secondary")::add);
        }
        if (!guardrails.isEmpty()) {
            guardrails.forEach(m.putArray("guardrails")::add);
        }
        ObjectNode a = o.putObject("analysis");
        a.put("method", method);
        a.put("sequential", sequential);
        FormNumbers.put(a, "alpha", alpha);
        FormNumbers.put(a, "power", power);
        if (!mde.isEmpty()) {
            BigDecimal percent = FormNumbers.decimal(mde);
            if (percent == null) {
                a.put("minimumDetectableEffect", mde);
            } else {
                a.put("minimumDetectableEffect", percent.movePointLeft(2));
            }
        }
        a.put("correction", correction);
        if (!cuped.isEmpty()) {
            a.putObject("cuped").put("preExposure", cuped.toUpperCase(java.util.Locale.ROOT));
        }
        return o;
    }

    /** This form with each of {@code violations} (at pointers of {@link #body}) at its field. */
    public ExperimentForm withViolations(List<Violation> violations) {
        Map<String, String> all = new LinkedHashMap<>(errors);
        for (Violation v : violations) {
            String field = field(v);
            // The API speaks of the effect as a fraction (0.05); the form types it in percent (5).
            String message = field.equals("mde") ? MDE_PROBLEM : FormNumbers.sentence(v.message());
            all.merge(field, message, (x, y) -> x.equals(y) ? x : x + " " + y);
        }
        return new ExperimentForm(id, key, name, hypothesis, environment, flag, control, variants, primary, secondary,
                guardrails, method, sequential, alpha, power, mde, correction, cuped, all);
    }

    /** The form field that typed the body member {@code v} is at ({@link #GENERAL} when no one field did). */
    static String field(Violation v) {
        List<String> t = v.where().tokens();
        if (t.isEmpty()) {
            return GENERAL;
        }
        String second = t.size() > 1 ? t.get(1) : "";
        return switch (t.get(0)) {
            case "key", "name", "hypothesis", "environment", "flag" -> t.get(0);
            case "controlVariant" -> "control";
            case "variants" -> "variants";
            case "metrics" -> switch (second) {
                case "secondary" -> "secondary";
                case "guardrails" -> "guardrails";
                default -> "primary";
            };
            case "analysis" -> switch (second) {
                case "method", "sequential", "alpha", "power", "correction" -> second;
                case "minimumDetectableEffect" -> "mde";
                case "cuped" -> "cuped";
                default -> GENERAL;
            };
            default -> GENERAL;
        };
    }

    /** Whether {@code metric} is ticked as a secondary metric. */
    public boolean isSecondary(String metric) {
        return secondary.contains(metric);
    }

    /** Whether {@code metric} is ticked as a guardrail. */
    public boolean isGuardrail(String metric) {
        return guardrails.contains(metric);
    }
}
