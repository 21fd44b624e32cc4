package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.json.Pointer;
import io.guidon.stats.Direction;
import io.guidon.stats.GuardrailSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a progressive rollout plan asks for (docs/adr/0116-progressive-rollouts.md), as read from the body of
 * {@code POST .../rollout-plans} by {@link #parse}: from the {@code control} variant to the {@code treatment} variant
 * of a flag, in {@code stages} of increasing treatment percentage (each held at least {@code minDuration} and until
 * {@code minExposures} users were exposed in it), watched by {@code guardrails}, with the plan's overall false-alarm
 * rate {@code alpha}. Pure: whether the variants exist on the flag is the service's check.
 *
 * @param control the variant served to the users not in the treatment
 * @param treatment the variant the plan rolls out
 * @param stages at least 1, percentages strictly increasing in (0, 100]
 * @param guardrails 0 to {@link #MAX_GUARDRAILS}
 * @param alpha the plan's false-alarm rate, in (0, 0.5]
 * @param bucketBy the context attribute users are bucketed by, or null for the targeting key
 */
public record RolloutPlanSpec(String control, String treatment, List<Stage> stages, List<Guardrail> guardrails,
        double alpha, String bucketBy) {

    /** The most stages a plan may have. */
    public static final int MAX_STAGES = 20;
    /** The most guardrails a plan may have. */
    public static final int MAX_GUARDRAILS = 10;
    /** The longest minimum duration of a stage. */
    public static final Duration MAX_DURATION = Duration.ofDays(366);
    /** The largest minimum of exposures of a stage. */
    public static final long MAX_EXPOSURES = 1_000_000_000_000L;
    /** The plan's false-alarm rate when the body gives none. */
    public static final double DEFAULT_ALPHA = 0.05;
    private static final Pattern NAME = Pattern.compile("[\\x21-\\x7e][\\x20-\\x7e]{0,99}");
    private static final Set<String> FIELDS = Set.of("control", "treatment", "stages", "guardrails", "alpha",
            "bucketBy");
    private static final Set<String> STAGE_FIELDS = Set.of("percentage", "minDuration", "minExposures");
    private static final Set<String> GUARDRAIL_FIELDS = Set.of("event", "kind", "direction", "maxDegradation",
            "scale");

    public RolloutPlanSpec {
        stages = List.copyOf(stages);
        guardrails = List.copyOf(guardrails);
    }

    /**
     * One stage: the treatment's share (a percentage with at most three decimals, as the engine's rollouts take),
     * held at least {@code minDuration} and until at least {@code minExposures} users were exposed during it (both
     * arms, each user once).
     */
    public record Stage(BigDecimal percentage, Duration minDuration, long minExposures) {
    }

    /** How a guardrail's events become one value per user. */
    public enum Kind {
        /** Events per exposed user (every exposed user counts, with 0 events or more): {@code error} events. */
        RATE,
        /** The mean of each user's event values (users with at least one such event): {@code latency_ms}. */
        MEAN;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One guardrail: an event the applications send ({@code POST /v1/track}), its kind, which direction is better
     * and the largest acceptable degradation, relative to the control's mean (0.1: 10 % worse) or absolute (in the
     * event's units).
     */
    public record Guardrail(String event, Kind kind, Direction direction, double maxDegradation, boolean relative) {

        /** The statistics' view of it. */
        public GuardrailSpec spec() {
            return new GuardrailSpec(direction, maxDegradation, relative);
        }

        /** "error (rate, lower is better, at most 10 % worse)". */
        public String describe() {
            String allowed = relative ? Numbers.percent(maxDegradation) + " worse"
                    : Numbers.plain(maxDegradation) + " worse in absolute terms";
            return event + " (" + kind.jsonName() + ", " + (direction == Direction.LOWER_IS_BETTER ? "lower"
                    : "higher") + " is better, at most " + allowed + ")";
        }
    }

    /** The spec read from a body, or null when it broke a rule; and every violation, with its field path. */
    public record Parsed(RolloutPlanSpec spec, List<Violation> violations) {
    }

    /**
     * Reads a plan's body, reporting every violation (unknown members, missing or mistyped fields, stages not
     * increasing or out of (0, 100], durations that are not ISO-8601, negative exposures, guardrails without an
     * event, of an unknown kind or direction, with a negative degradation, an absolute one of 0, an alpha out of
     * (0, 0.5], control and treatment the same) at its path ({@code /stages/1/percentage}).
     */
    public static Parsed parse(JsonNode body) {
        List<Violation> v = new ArrayList<>();
        if (body == null || !body.isObject()) {
            v.add(new Violation(Pointer.ROOT, "must be an object with control, treatment, stages and guardrails"));
            return new Parsed(null, v);
        }
        unknown(body, FIELDS, Pointer.ROOT, v);
        String control = name(body, "control", Pointer.ROOT, true, "the variant served outside the treatment", v);
        String treatment = name(body, "treatment", Pointer.ROOT, true, "the variant the plan rolls out", v);
        if (control != null && control.equals(treatment)) {
            v.add(Violation.of("treatment", "must differ from control ('" + control + "'): a plan moves users from"
                    + " one variant to another"));
        }
        String bucketBy = name(body, "bucketBy", Pointer.ROOT, false, "a context attribute", v);
        List<Stage> stages = stages(body.get("stages"), v);
        List<Guardrail> guardrails = guardrails(body.get("guardrails"), v);
        double alpha = DEFAULT_ALPHA;
        JsonNode a = body.get("alpha");
        if (a != null && !a.isNull()) {
            if (!a.isNumber() || !(a.doubleValue() > 0 && a.doubleValue() <= 0.5)) {
                v.add(Violation.of("alpha", "must be a number above 0 and at most 0.5 (the plan's false-alarm rate,"
                        + " such as 0.05), not " + show(a)));
            } else {
                alpha = a.doubleValue();
            }
        }
        if (!v.isEmpty()) {
            return new Parsed(null, List.copyOf(v));
        }
        return new Parsed(new RolloutPlanSpec(control, treatment, stages, guardrails, alpha, bucketBy), List.of());
    }

    private static List<Stage> stages(JsonNode node, List<Violation> v) {
        Pointer at = Pointer.of("stages");
        List<Stage> stages = new ArrayList<>();
        if (node == null || node.isNull()) {
            v.add(new Violation(at, "required: a list of stages such as [{\"percentage\": 5, \"minDuration\":"
                    + " \"PT1H\", \"minExposures\": 1000}, ...]"));
            return stages;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_STAGES) {
            v.add(new Violation(at, "must be a list of 1 to " + MAX_STAGES + " stages, not " + count(node)));
            return stages;
        }
        BigDecimal previous = null;
        for (int i = 0; i < node.size(); i++) {
            Pointer here = at.index(i);
            JsonNode s = node.get(i);
            if (!s.isObject()) {
                v.add(new Violation(here, "must be an object with percentage, minDuration and minExposures, not "
                        + show(s)));
                previous = null;
                continue;
            }
            unknown(s, STAGE_FIELDS, here, v);
            BigDecimal percentage = percentage(s.get("percentage"), here.field("percentage"), v);
            if (percentage != null && previous != null && percentage.compareTo(previous) <= 0) {
                v.add(new Violation(here.field("percentage"), "must be above the previous stage's ("
                        + previous.toPlainString() + "): stages increase the treatment's share"));
            }
            previous = percentage == null ? previous : percentage;
            Duration minDuration = duration(s.get("minDuration"), here.field("minDuration"), v);
            long minExposures = exposures(s.get("minExposures"), here.field("minExposures"), v);
            if (percentage != null && minDuration != null && minExposures >= 0) {
                stages.add(new Stage(percentage, minDuration, minExposures));
            }
        }
        return stages;
    }

    private static BigDecimal percentage(JsonNode p, Pointer at, List<Violation> v) {
        if (p == null || p.isNull()) {
            v.add(new Violation(at, "required: the treatment's share in this stage, above 0 and at most 100"));
            return null;
        }
        if (!p.isNumber()) {
            v.add(new Violation(at, "must be a number above 0 and at most 100, not " + show(p)));
            return null;
        }
        BigDecimal d = p.decimalValue();
        if (d.signum() <= 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
            v.add(new Violation(at, "must be above 0 and at most 100, not " + d.toPlainString()));
            return null;
        }
        if (d.stripTrailingZeros().scale() > 3) {
            v.add(new Violation(at, "must have at most three decimals (rollouts are in thousandths of a percent), not "
                    + d.toPlainString()));
            return null;
        }
        return d;
    }

    private static Duration duration(JsonNode d, Pointer at, List<Violation> v) {
        String example = "an ISO-8601 duration such as PT30M, PT1H or P1D";
        if (d == null || d.isNull()) {
            v.add(new Violation(at, "required: how long the stage lasts at least, " + example));
            return null;
        }
        if (!d.isTextual()) {
            v.add(new Violation(at, "must be " + example + ", not " + show(d)));
            return null;
        }
        Duration parsed;
        try {
            parsed = Duration.parse(d.textValue());
        } catch (DateTimeParseException e) {
            v.add(new Violation(at, "must be " + example + ", not '" + printable(d.textValue()) + "'"));
            return null;
        }
        if (parsed.isNegative() || parsed.compareTo(MAX_DURATION) > 0) {
            v.add(new Violation(at, "must be at least 0 and at most " + MAX_DURATION.toDays() + " days, not "
                    + d.textValue()));
            return null;
        }
        return parsed;
    }

    private static long exposures(JsonNode e, Pointer at, List<Violation> v) {
        if (e == null || e.isNull()) {
            v.add(new Violation(at, "required: how many users the stage exposes at least, 0 or more"));
            return -1;
        }
        if (!e.isIntegralNumber() || e.bigIntegerValue().signum() < 0
                || e.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(MAX_EXPOSURES)) > 0) {
            v.add(new Violation(at, "must be a whole number from 0 to " + MAX_EXPOSURES + ", not " + show(e)));
            return -1;
        }
        return e.longValue();
    }

    private static List<Guardrail> guardrails(JsonNode node, List<Violation> v) {
        Pointer at = Pointer.of("guardrails");
        List<Guardrail> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray() || node.size() > MAX_GUARDRAILS) {
            v.add(new Violation(at, "must be a list of at most " + MAX_GUARDRAILS + " guardrails, not " + count(node)));
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            Pointer here = at.index(i);
            JsonNode g = node.get(i);
            if (!g.isObject()) {
                v.add(new Violation(here, "must be an object with event, kind, direction and maxDegradation, not "
                        + show(g)));
                continue;
            }
            unknown(g, GUARDRAIL_FIELDS, here, v);
            int before = v.size();
            String event = name(g, "event", here, true, "the name of the events the applications track", v);
            Kind kind = kind(g.get("kind"), here.field("kind"), v);
            Direction direction = direction(g.get("direction"), here.field("direction"), v);
            Boolean relative = scale(g.get("scale"), here.field("scale"), v);
            JsonNode m = g.get("maxDegradation");
            double max = -1;
            if (m == null || m.isNull()) {
                v.add(new Violation(here.field("maxDegradation"), "required: the largest acceptable degradation, 0"
                        + " or more (relative: 0.1 is 10 % worse than the control)"));
            } else if (!m.isNumber() || !(m.doubleValue() >= 0) || !Double.isFinite(m.doubleValue())
                    || m.doubleValue() > 1e12) {
                v.add(new Violation(here.field("maxDegradation"), "must be a number from 0 to 1000000000000, not " + show(m)));
            } else if (Boolean.FALSE.equals(relative) && m.doubleValue() == 0) {
                v.add(new Violation(here.field("maxDegradation"), "must be above 0 for an absolute guardrail: its"
                        + " test is scaled by the allowance, in the event's units"));
            } else {
                max = m.doubleValue();
            }
            int same = sameQuestion(node, i);
            if (same >= 0) {
                // Two guardrails on one event and kind ask one question twice and split the plan's alpha for it.
                v.add(new Violation(here.field("event"), "repeats guardrails/" + same + " (event " + event + ", kind "
                        + g.get("kind").asText() + "): watch each event and kind once"));
            }
            if (v.size() == before) {
                out.add(new Guardrail(event, kind, direction, max, relative));
            }
        }
        return out;
    }

    /** The index of an earlier guardrail of {@code list} with the same event and kind as its i-th, or -1. */
    private static int sameQuestion(JsonNode list, int i) {
        JsonNode g = list.get(i);
        if (!g.path("event").isTextual() || !g.path("kind").isTextual()) {
            return -1;
        }
        for (int j = 0; j < i; j++) {
            JsonNode h = list.get(j);
            if (h.path("event").equals(g.get("event")) && h.path("kind").equals(g.get("kind"))) {
                return j;
            }
        }
        return -1;
    }

    private static Kind kind(JsonNode k, Pointer at, List<Violation> v) {
        if (k == null || k.isNull()) {
            v.add(new Violation(at, "required: rate (events per exposed user) or mean (the mean of the events'"
                    + " values)"));
            return null;
        }
        if (k.isTextual() && (k.textValue().equals("rate") || k.textValue().equals("mean"))) {
            return k.textValue().equals("rate") ? Kind.RATE : Kind.MEAN;
        }
        v.add(new Violation(at, "must be rate or mean, not " + show(k)));
        return null;
    }

    private static Direction direction(JsonNode d, Pointer at, List<Violation> v) {
        if (d == null || d.isNull()) {
            return Direction.LOWER_IS_BETTER;
        }
        if (d.isTextual() && d.textValue().equals("lower_is_better")) {
            return Direction.LOWER_IS_BETTER;
        }
        if (d.isTextual() && d.textValue().equals("higher_is_better")) {
            return Direction.HIGHER_IS_BETTER;
        }
        v.add(new Violation(at, "must be lower_is_better (errors, latency) or higher_is_better (successes), not "
                + show(d)));
        return null;
    }

    private static Boolean scale(JsonNode s, Pointer at, List<Violation> v) {
        if (s == null || s.isNull()) {
            return true;
        }
        if (s.isTextual() && (s.textValue().equals("relative") || s.textValue().equals("absolute"))) {
            return s.textValue().equals("relative");
        }
        v.add(new Violation(at, "must be relative (maxDegradation is a fraction of the control's mean) or absolute"
                + " (in the event's units), not " + show(s)));
        return null;
    }

    private static String name(JsonNode o, String field, Pointer under, boolean required, String what,
            List<Violation> v) {
        JsonNode n = o.get(field);
        Pointer at = under.field(field);
        if (n == null || n.isNull()) {
            if (required) {
                v.add(new Violation(at, "required: " + what));
            }
            return null;
        }
        if (!n.isTextual() || !NAME.matcher(n.textValue()).matches()) {
            v.add(new Violation(at, "must be " + what + ": 1 to 100 printable ASCII characters, not " + show(n)));
            return null;
        }
        return n.textValue();
    }

    private static void unknown(JsonNode o, Set<String> allowed, Pointer under, List<Violation> v) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                v.add(new Violation(under.field(f), "unknown field (allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")"));
            }
        }
    }

    /** A list by its size ("a list of 0", "a list of 21": what was wrong with it), anything else by {@link #show}. */
    private static String count(JsonNode n) {
        return n.isArray() ? "a list of " + n.size() : show(n);
    }

    private static String show(JsonNode n) {
        if (n.isTextual()) {
            return "'" + printable(n.textValue()) + "'";
        }
        if (n.isNumber() || n.isBoolean()) {
            return n.toString();
        }
        return n.isArray() ? "a list" : n.isObject() ? "an object" : n.isNull() ? "null" : "a " + n.getNodeType();
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    // ---------------------------------------------------------------- stored form

    /** The stages as stored and answered: {@code [{"percentage": 5, "minDuration": "PT1H", "minExposures": 0}]}. */
    public ArrayNode stagesJson() {
        ArrayNode a = StoredJson.NODES.arrayNode();
        for (Stage s : stages) {
            ObjectNode o = a.addObject();
            o.put("percentage", s.percentage());
            o.put("minDuration", s.minDuration().toString());
            o.put("minExposures", s.minExposures());
        }
        return a;
    }

    /** The guardrails as stored and answered, every field given. */
    public ArrayNode guardrailsJson() {
        ArrayNode a = StoredJson.NODES.arrayNode();
        for (Guardrail g : guardrails) {
            ObjectNode o = a.addObject();
            o.put("event", g.event());
            o.put("kind", g.kind().jsonName());
            o.put("direction", g.direction() == Direction.LOWER_IS_BETTER ? "lower_is_better" : "higher_is_better");
            o.put("maxDegradation", g.maxDegradation());
            o.put("scale", g.relative() ? "relative" : "absolute");
        }
        return a;
    }

    /** Reads stored stages and guardrails back (they were valid when stored). */
    public static RolloutPlanSpec stored(String control, String treatment, JsonNode stages, JsonNode guardrails,
            double alpha, String bucketBy) {
        ObjectNode body = StoredJson.object();
        body.put("control", control);
        body.put("treatment", treatment);
        body.set("stages", stages);
        body.set("guardrails", guardrails);
        body.put("alpha", alpha);
        if (bucketBy != null) {
            body.put("bucketBy", bucketBy);
        }
        Parsed p = parse(body);
        if (p.spec() == null) {
            throw new IllegalStateException("a stored rollout plan no longer reads: " + p.violations());
        }
        return p.spec();
    }

    /** Plain renderings of numbers for the reasons a plan gives. */
    public static final class Numbers {
        private Numbers() {
        }

        /** 0.1 → "10 %", 1.25 → "125 %", signed when {@code signed}. */
        public static String percent(double fraction) {
            return plain(fraction * 100) + " %";
        }

        /** A number with at most 4 significant decimals, no exponent for ordinary magnitudes. */
        public static String plain(double x) {
            if (Double.isInfinite(x)) {
                return x > 0 ? "∞" : "-∞";
            }
            if (Double.isNaN(x)) {
                return "n/a";
            }
            BigDecimal d = new BigDecimal(x).round(new java.math.MathContext(4));
            return d.stripTrailingZeros().toPlainString();
        }
    }
}
