package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.json.Pointer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an experiment compares (V13 {@code experiments}, docs/experiments.md#model), as read from the body of
 * {@code POST /api/v1/experiments} or {@code PUT /api/v1/experiments/{id}} by {@link #parse}: variants of a flag in
 * an environment, one of them the control, on metrics (one primary, any secondary and guardrails), with how the
 * results are analysed and, optionally, when the experiment starts and ends. Pure: whether the environment, the
 * flag, its variants and the metrics exist is the service's check, and so are the weights when none are given.
 *
 * @param variants 2 to {@link #MAX_VARIANTS}, distinct, the control among them; their weights all given or all null
 * @param startAt the earliest start asked for, or null (the start is then when it is started)
 * @param endAt when the experiment's window ends, or null (until stopped)
 */
public record ExperimentSpec(String key, String name, String hypothesis, String environment, String flag,
        String controlVariant, List<Variant> variants, Metrics metrics, Analysis analysis, OffsetDateTime startAt,
        OffsetDateTime endAt) {

    /** The most variants an experiment compares. */
    public static final int MAX_VARIANTS = 20;
    /** The most secondary metrics, and the most guardrails. */
    public static final int MAX_METRICS = 20;
    /** The longest CUPED pre-exposure window. */
    public static final Duration MAX_PRE_EXPOSURE = Duration.ofDays(366);
    /** The analysis' defaults: frequentist, fixed horizon, α 0.05, power 0.8, Holm's correction. */
    public static final Analysis DEFAULT_ANALYSIS = new Analysis(Method.FREQUENTIST, false, 0.05, 0.8, null,
            Correction.HOLM, null);
    private static final Set<String> FIELDS = Set.of("key", "name", "hypothesis", "environment", "flag",
            "controlVariant", "variants", "metrics", "analysis", "startAt", "endAt");
    private static final Set<String> VARIANT_FIELDS = Set.of("key", "weight");
    private static final Set<String> METRICS_FIELDS = Set.of("primary", "secondary", "guardrails");
    /** α is above this: 0.000001. */
    public static final double MIN_ALPHA = 0.000001;
    /** A minimum detectable effect is above this: 0.000001 (0.0001 %). */
    public static final double MIN_EFFECT = 0.000001;
    /** A minimum detectable effect is below this: 1000 (+100,000 %). */
    public static final double MAX_EFFECT = 1000;

    private static final Set<String> ANALYSIS_FIELDS = Set.of("method", "sequential", "alpha", "power",
            "minimumDetectableEffect", "correction", "cuped");
    private static final Set<String> CUPED_FIELDS = Set.of("preExposure");

    public ExperimentSpec {
        variants = List.copyOf(variants);
    }

    /** A variant compared, with its planned weight (any positive scale; null: not given). */
    public record Variant(String key, Double weight) {
    }

    /** The metrics by key: the primary, then the secondary ones and the guardrails, in order. */
    public record Metrics(String primary, List<String> secondary, List<String> guardrails) {
        public Metrics {
            secondary = List.copyOf(secondary);
            guardrails = List.copyOf(guardrails);
        }

        /** Every metric key, the primary first, each with its role ({@code primary}, {@code secondary}, ...). */
        public List<Map.Entry<String, Role>> all() {
            List<Map.Entry<String, Role>> out = new ArrayList<>();
            out.add(Map.entry(primary, Role.PRIMARY));
            secondary.forEach(k -> out.add(Map.entry(k, Role.SECONDARY)));
            guardrails.forEach(k -> out.add(Map.entry(k, Role.GUARDRAIL)));
            return out;
        }
    }

    /** A metric's role in an experiment (V13 {@code experiment_metrics.role}). */
    public enum Role {
        PRIMARY, SECONDARY, GUARDRAIL;

        public String jsonName() {
            return BodyReader.jsonName(this);
        }
    }

    /** The statistical engine. */
    public enum Method {
        FREQUENTIST, BAYESIAN
    }

    /** The correction for multiple comparisons across arms and metrics. */
    public enum Correction {
        NONE, HOLM, BENJAMINI_HOCHBERG
    }

    /**
     * How the results are analysed.
     *
     * @param alpha the false-positive rate, in (0.000001, 0.5)
     * @param power the power the sample size is planned for, in (0, 1)
     * @param minimumDetectableEffect the smallest relative effect worth detecting (0.05: 5 %), in (0.000001, 1000),
     *     or null
     * @param cupedPreExposure CUPED's window before each user's first exposure, or null for no CUPED
     */
    public record Analysis(Method method, boolean sequential, double alpha, double power,
            Double minimumDetectableEffect, Correction correction, Duration cupedPreExposure) {
    }

    /** The spec read from a body, or null when it broke a rule; and every violation, with its pointer. */
    public record Parsed(ExperimentSpec spec, List<Violation> violations) {
    }

    /**
     * Reads an experiment's body, reporting every violation at its pointer: unknown members (at any level), a
     * missing or malformed key, name, environment, flag or control variant; variants that are not a list of 2 to
     * 20, repeated, without the control, of malformed names, with weights that are not positive numbers or given for
     * some but not all; metrics without a primary, with a key twice, or lists beyond 20; an analysis with an unknown
     * method or correction, α outside (0.000001, 0.5), power outside (0, 1), a minimum detectable effect outside
     * (0.000001, 1000), a
     * CUPED window that is not an ISO-8601 duration; instants that are not ISO-8601, or an end not after the start.
     *
     * @param currentKey the experiment's key when the body replaces it ({@code PUT}: the body may repeat it, never
     *     change it, and may leave it out); null when creating, where it is required
     */
    public static Parsed parse(JsonNode body, String currentKey) {
        List<Violation> v = new ArrayList<>();
        BodyReader r = new BodyReader(v);
        Pointer root = Pointer.ROOT;
        if (body == null || !body.isObject()) {
            r.add(root, "must be an object with key, name, environment, flag, controlVariant, variants and metrics");
            return new Parsed(null, v);
        }
        r.unknown(body, FIELDS, root);
        String key = r.key(body, "key", root, currentKey == null, "the experiment's key");
        if (currentKey != null && key != null && !key.equals(currentKey)) {
            r.add(Pointer.of("key"), "must be '" + currentKey + "', the experiment's key, or left out: an"
                    + " experiment's key cannot be changed");
        }
        String name = r.text(body, "name", root, BodyReader.MAX_NAME, true);
        String hypothesis = r.text(body, "hypothesis", root, BodyReader.MAX_DESCRIPTION, false);
        String environment = r.key(body, "environment", root, true, "the key of the environment");
        String flag = r.key(body, "flag", root, true, "the key of the flag whose variants are compared");
        String control = r.variant(body.get("controlVariant"), Pointer.of("controlVariant"),
                "the variant the others are compared with");
        List<Variant> variants = variants(body.get("variants"), control, r);
        Metrics metrics = metrics(body.get("metrics"), r);
        Analysis analysis = analysis(body.get("analysis"), r);
        OffsetDateTime startAt = r.instant(body, "startAt", root, "the earliest start");
        OffsetDateTime endAt = r.instant(body, "endAt", root, "when the experiment's window ends");
        if (startAt != null && endAt != null && !endAt.isAfter(startAt)) {
            r.add(Pointer.of("endAt"), "must be after startAt (" + startAt + "), not " + endAt);
        }
        if (!v.isEmpty()) {
            return new Parsed(null, List.copyOf(v));
        }
        return new Parsed(new ExperimentSpec(key == null ? currentKey : key, name,
                hypothesis == null ? "" : hypothesis, environment, flag, control, variants, metrics, analysis,
                startAt, endAt), List.of());
    }

    private static List<Variant> variants(JsonNode node, String control, BodyReader r) {
        Pointer at = Pointer.of("variants");
        List<Variant> out = new ArrayList<>();
        if (BodyReader.absent(node)) {
            r.add(at, "required: the variants compared, such as [{\"key\": \"off\"}, {\"key\": \"on\"}]");
            return out;
        }
        if (!node.isArray() || node.size() < 2 || node.size() > MAX_VARIANTS) {
            r.add(at, "must be a list of 2 to " + MAX_VARIANTS + " variants, not " + BodyReader.count(node));
            return out;
        }
        Set<String> seen = new HashSet<>();
        int weighted = 0;
        boolean readable = true;
        for (int i = 0; i < node.size(); i++) {
            Pointer here = at.index(i);
            JsonNode n = node.get(i);
            if (!n.isObject()) {
                r.add(here, "must be an object such as {\"key\": \"on\", \"weight\": 50}, not " + BodyReader.show(n));
                readable = false;
                continue;
            }
            r.unknown(n, VARIANT_FIELDS, here);
            String key = r.variant(n.get("key"), here.field("key"), "a variant of the flag");
            if (key != null && !seen.add(key)) {
                r.add(here.field("key"), "'" + key + "' is listed twice: each variant once");
            }
            Double weight = null;
            if (!BodyReader.absent(n.get("weight"))) {
                weight = r.number(n, "weight", here, 0.0, null, null, "the variant's planned share (any scale)");
                weighted++;
            }
            if (key == null) {
                readable = false;
            } else {
                out.add(new Variant(key, weight));
            }
        }
        if (weighted > 0 && weighted < node.size()) {
            r.add(at, "give every variant a weight, or none (the planned split is then the flag's rollout over"
                    + " them, or equal): " + weighted + " of " + node.size() + " have one");
        }
        if (readable && control != null && !seen.contains(control)) {
            r.add(Pointer.of("controlVariant"), "must be one of the variants compared (" + String.join(", ",
                    out.stream().map(Variant::key).toList()) + "), not '" + control + "'");
        }
        return out;
    }

    private static Metrics metrics(JsonNode node, BodyReader r) {
        Pointer at = Pointer.of("metrics");
        if (BodyReader.absent(node)) {
            r.add(at, "required: {\"primary\": \"<metric key>\", \"secondary\": [...], \"guardrails\": [...]}");
            return null;
        }
        if (!node.isObject()) {
            r.add(at, "must be an object such as {\"primary\": \"conversion\"}, not " + BodyReader.show(node));
            return null;
        }
        r.unknown(node, METRICS_FIELDS, at);
        Map<String, Pointer> seen = new HashMap<>();
        String primary = r.key(node, "primary", at, true, "the key of the metric that decides the experiment");
        if (primary != null) {
            seen.put(primary, at.field("primary"));
        }
        List<String> secondary = keys(node, "secondary", at, seen, r);
        List<String> guardrails = keys(node, "guardrails", at, seen, r);
        return primary == null ? null : new Metrics(primary, secondary, guardrails);
    }

    private static List<String> keys(JsonNode o, String field, Pointer under, Map<String, Pointer> seen,
            BodyReader r) {
        Pointer at = under.field(field);
        List<String> out = new ArrayList<>();
        JsonNode node = o.get(field);
        if (BodyReader.absent(node)) {
            return out;
        }
        if (!node.isArray() || node.size() > MAX_METRICS) {
            r.add(at, "must be a list of at most " + MAX_METRICS + " metric keys, not " + BodyReader.count(node));
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            Pointer here = at.index(i);
            JsonNode n = node.get(i);
            if (!n.isTextual() || !io.guidon.engine.FlagDocumentCompiler.KEY.matcher(n.textValue()).matches()) {
                r.add(here, "must be a metric key, not " + BodyReader.show(n));
                continue;
            }
            Pointer first = seen.putIfAbsent(n.textValue(), here);
            if (first != null) {
                r.add(here, "metric '" + n.textValue() + "' is already at " + first.text() + ": each metric once");
                continue;
            }
            out.add(n.textValue());
        }
        return out;
    }

    private static Analysis analysis(JsonNode node, BodyReader r) {
        Pointer at = Pointer.of("analysis");
        if (BodyReader.absent(node)) {
            return DEFAULT_ANALYSIS;
        }
        if (!node.isObject()) {
            r.add(at, "must be an object such as {\"method\": \"frequentist\", \"alpha\": 0.05}, not "
                    + BodyReader.show(node));
            return null;
        }
        r.unknown(node, ANALYSIS_FIELDS, at);
        Analysis d = DEFAULT_ANALYSIS;
        Method method = r.choice(node, "method", at, Method.class, d.method(), "");
        Boolean sequential = r.bool(node, "sequential", at, d.sequential());
        // The lower bounds keep the statistics computable: 1 − α must stay below 1 as a double (a credible mass),
        // and a sequential test's mixing variance (about MDE²) must stay finite and above 0.
        Double alpha = r.number(node, "alpha", at, MIN_ALPHA, 0.5, d.alpha(), "the false-positive rate, such as 0.05");
        Double power = r.number(node, "power", at, 0.0, 1.0, d.power(), "the power planned for, such as 0.8");
        Double mde = r.number(node, "minimumDetectableEffect", at, MIN_EFFECT, MAX_EFFECT, null,
                "the smallest relative effect worth detecting (0.05: 5 %)");
        Correction correction = r.choice(node, "correction", at, Correction.class, d.correction(),
                "across arms and metrics");
        Duration cuped = null;
        JsonNode c = node.get("cuped");
        if (!BodyReader.absent(c)) {
            Pointer cat = at.field("cuped");
            if (!c.isObject()) {
                r.add(cat, "must be an object such as {\"preExposure\": \"P14D\"}, not " + BodyReader.show(c));
            } else {
                r.unknown(c, CUPED_FIELDS, cat);
                cuped = r.duration(c, "preExposure", cat, MAX_PRE_EXPOSURE,
                        "the window before each user's first exposure whose events predict the metric");
                if (BodyReader.absent(c.get("preExposure"))) {
                    r.add(cat.field("preExposure"), "required: the window before each user's first exposure, such"
                            + " as P14D");
                }
            }
        }
        if (method == null || sequential == null || alpha == null || power == null || correction == null) {
            return null;
        }
        return new Analysis(method, sequential, alpha, power, mde, correction, cuped);
    }

    // ---------------------------------------------------------------- stored form

    /** The variants as stored and answered: {@code [{"key": "off", "weight": 50}, ...]} (weight null: not given). */
    public static ArrayNode variantsJson(List<Variant> variants) {
        ArrayNode a = StoredJson.NODES.arrayNode();
        for (Variant x : variants) {
            ObjectNode o = a.addObject();
            o.put("key", x.key());
            if (x.weight() == null) {
                o.putNull("weight");
            } else {
                o.put("weight", x.weight());
            }
        }
        return a;
    }

    /** Reads stored variants back (they were valid when stored). */
    public static List<Variant> storedVariants(JsonNode a) {
        List<Variant> out = new ArrayList<>();
        for (JsonNode x : a) {
            JsonNode w = x.get("weight");
            out.add(new Variant(x.get("key").asText(), w == null || w.isNull() ? null : w.doubleValue()));
        }
        return out;
    }

    /** This spec with {@code variants} instead (the weights decided by the service). */
    public ExperimentSpec withVariants(List<Variant> decided) {
        return new ExperimentSpec(key, name, hypothesis, environment, flag, controlVariant, decided, metrics,
                analysis, startAt, endAt);
    }
}
