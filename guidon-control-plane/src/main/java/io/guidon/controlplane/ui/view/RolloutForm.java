package io.guidon.controlplane.ui.view;

import static io.guidon.controlplane.ui.view.FormFields.text;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The form that makes a rollout plan, as typed: the environment, control and treatment variants, the stages one per
 * line ({@code 5 PT1H 1000}: percentage, minimum duration, minimum users), up to {@link #GUARDRAILS} guardrails and the
 * plan's alpha. {@link #body} turns it into the API's body (read then by {@code RolloutPlanSpec.parse}, so the same
 * rules and words apply), and {@link #problem} says a violation of that body in the form's terms.
 */
public record RolloutForm(String environment, String control, String treatment, String stages,
        List<GuardrailFields> guardrails, String alpha) {

    /** Guardrail rows the form offers. */
    public static final int GUARDRAILS = 2;
    /** The stages a new form suggests. */
    public static final String DEFAULT_STAGES = "1 PT1H 100\n10 PT1H 1000\n50 PT1H 1000";

    /** One guardrail row; an empty event leaves the row out. */
    public record GuardrailFields(String event, String kind, String direction, String maxDegradation,
            String scale) {
    }

    /** A fresh form for {@code environment}, with a suggested error-rate guardrail. */
    public static RolloutForm fresh(String environment, String control, String treatment) {
        List<GuardrailFields> g = new ArrayList<>();
        g.add(new GuardrailFields("error", "rate", "lower_is_better", "0.1", "relative"));
        g.add(new GuardrailFields("", "mean", "lower_is_better", "", "relative"));
        return new RolloutForm(environment, control, treatment, DEFAULT_STAGES, g, "0.05");
    }

    /** The form as posted ({@code field} reads one form field, null when absent). */
    public static RolloutForm parse(Function<String, String> field) {
        List<GuardrailFields> g = new ArrayList<>();
        for (int i = 0; i < GUARDRAILS; i++) {
            g.add(new GuardrailFields(text(field, "g" + i + "-event"), text(field, "g" + i + "-kind"),
                    text(field, "g" + i + "-direction"), text(field, "g" + i + "-max"),
                    text(field, "g" + i + "-scale")));
        }
        return new RolloutForm(text(field, "environment"), text(field, "control"), text(field, "treatment"),
                text(field, "stages"), g, text(field, "alpha"));
    }

    /** What the form asks for, as the API's body, and the problems of lines that are not stages. */
    public record Body(ObjectNode json, List<Violation> problems) {
    }

    /** The API's body of this form. */
    public Body body() {
        ObjectNode o = StoredJson.object();
        List<Violation> problems = new ArrayList<>();
        o.put("control", control);
        o.put("treatment", treatment);
        ArrayNode stageList = o.putArray("stages");
        int line = 0;
        for (String l : stages.split("\\R")) {
            if (l.isBlank()) {
                continue;
            }
            line++;
            String[] t = l.strip().split("\\s+");
            if (t.length != 3) {
                problems.add(Violation.of("stages", "line " + line + " ('" + l.strip() + "'): write the percentage,"
                        + " the minimum duration and the minimum of users, such as 5 PT1H 1000"));
                continue;
            }
            ObjectNode s = stageList.addObject();
            number(s, "percentage", t[0]);
            s.put("minDuration", t[1].toUpperCase(java.util.Locale.ROOT));
            number(s, "minExposures", t[2]);
        }
        ArrayNode guards = o.putArray("guardrails");
        for (GuardrailFields g : guardrails) {
            if (g.event().isEmpty()) {
                continue;
            }
            ObjectNode x = guards.addObject();
            x.put("event", g.event());
            x.put("kind", g.kind());
            x.put("direction", g.direction());
            number(x, "maxDegradation", g.maxDegradation());
            x.put("scale", g.scale());
        }
        if (!alpha.isEmpty()) {
            number(o, "alpha", alpha);
        }
        return new Body(o, problems);
    }

    /** A number as a number when it reads as one, else as the text typed (the spec then says what is wrong). */
    private static void number(ObjectNode o, String field, String text) {
        try {
            BigDecimal d = new BigDecimal(text);
            if (d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
                o.put(field, d.longValue());
            } else {
                o.put(field, d);
            }
        } catch (NumberFormatException e) {
            o.put(field, text);
        }
    }

    /** A violation of the body in the form's terms: "Stage 2, percentage: must be ...". */
    public static String problem(Violation v) {
        List<String> t = v.where().tokens();
        if (t.isEmpty()) {
            return v.message();
        }
        Map<String, String> names = new LinkedHashMap<>();
        names.put("minDuration", "minimum duration");
        names.put("minExposures", "minimum users");
        names.put("maxDegradation", "largest degradation");
        if (t.size() >= 2 && (t.get(0).equals("stages") || t.get(0).equals("guardrails")) && t.get(1).matches("\\d+")) {
            String what = (t.get(0).equals("stages") ? "Stage " : "Guardrail ") + (Integer.parseInt(t.get(1)) + 1);
            return what + (t.size() > 2 ? ", " + names.getOrDefault(t.get(2), t.get(2)) : "") + ": " + v.message();
        }
        String first = t.get(0);
        return Character.toUpperCase(first.charAt(0)) + first.substring(1) + ": " + v.message();
    }
}
