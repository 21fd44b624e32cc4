package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.StoredJson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The engine's explanation of an evaluation (docs/flag-format.md, "Explaining an evaluation") as steps people
 * read: whether the flag is on, each prerequisite (with its own steps), the individual targets, each rule checked
 * with its condition tree (all/any/not, segments, clauses with the context's value), and what served, with the
 * bucket of a rollout. Each step says in words whether it held, so colour is never the only signal.
 */
public final class TraceView {

    /** The rollout buckets of the engine ({@code Bucketing.BUCKETS}): a bucket is a thousandth of a percent. */
    static final int BUCKETS = 100_000;
    /** Values of a clause shown before "and N more". */
    static final int MAX_VALUES = 12;
    /** Characters of one value shown before it is cut. */
    static final int MAX_VALUE_LENGTH = 200;

    private TraceView() {
    }

    /** How a step came out. */
    public enum Outcome {
        /** It held (a clause true, a rule matched, a prerequisite passed). */
        PASS,
        /** It did not hold. */
        FAIL,
        /** A fact, neither (what served, a note). */
        INFO,
        /** The evaluation failed here. */
        ERROR;

        /** The CSS class of a step with this outcome. */
        public String css() {
            return "step-" + name().toLowerCase(java.util.Locale.ROOT);
        }

        static Outcome of(boolean held) {
            return held ? PASS : FAIL;
        }
    }

    /** A piece of a step's sentence: words, or code (a key, an attribute, a JSON value) shown as such. */
    public record Part(String text, boolean code) {
    }

    /** One step: its outcome, its sentence, its own steps (a rule's condition, a prerequisite's evaluation). */
    public record Step(Outcome outcome, List<Part> sentence, List<Step> steps) {

        /** The sentence as plain text (for tests and titles). */
        public String text() {
            StringBuilder sb = new StringBuilder();
            sentence.forEach(p -> sb.append(p.text()));
            return sb.toString();
        }
    }

    /** The steps of {@code trace} (empty for null). */
    public static List<Step> of(JsonNode trace) {
        List<Step> out = new ArrayList<>();
        if (trace == null || !trace.isObject()) {
            return out;
        }
        evaluation(trace, out);
        return List.copyOf(out);
    }

    private static void evaluation(JsonNode t, List<Step> out) {
        if (t.path("found").isBoolean() && !t.path("found").asBoolean()) {
            out.add(step(Outcome.ERROR, words("There is no flag "), code(text(t.get("flag"))), words(".")));
            return;
        }
        if (t.has("enabled")) {
            boolean on = t.get("enabled").asBoolean();
            out.add(on ? step(Outcome.PASS, words("The flag is on."))
                    : step(Outcome.FAIL, words("The flag is off: it serves its off variant to everyone.")));
        }
        JsonNode prerequisites = t.get("prerequisites");
        if (prerequisites != null && prerequisites.isArray()) {
            for (JsonNode p : prerequisites) {
                boolean passed = p.path("passed").asBoolean();
                List<Step> inner = new ArrayList<>();
                if (p.get("trace") != null && p.get("trace").isObject()) {
                    evaluation(p.get("trace"), inner);
                }
                List<Part> s = new ArrayList<>(List.of(words("Prerequisite "), code(text(p.get("flag"))),
                        words(" must serve "), code(text(p.get("expected")))));
                JsonNode actual = p.get("actual");
                if (actual == null || actual.isNull()) {
                    s.add(words(": it failed to evaluate"));
                } else {
                    s.add(words(passed ? ": it does" : ": it serves "));
                    if (!passed) {
                        s.add(code(actual.asText()));
                    }
                }
                s.add(words(passed ? "." : ", so this flag serves its off variant."));
                out.add(new Step(Outcome.of(passed), List.copyOf(s), List.copyOf(inner)));
            }
        }
        JsonNode targets = t.get("targets");
        if (targets != null && targets.isObject()) {
            JsonNode key = targets.get("targetingKey");
            if (key == null || key.isNull()) {
                out.add(step(Outcome.FAIL, words("The context has no targetingKey, so no individual target"
                        + " applies.")));
            } else if (targets.path("matched").asBoolean()) {
                out.add(step(Outcome.PASS, words("The targeting key "), code(key.asText()),
                        words(" is an individual target of variant "), code(text(targets.get("variant"))),
                        words(".")));
            } else {
                out.add(step(Outcome.FAIL, words("The targeting key "), code(key.asText()),
                        words(" is not among the individual targets.")));
            }
        }
        JsonNode rules = t.get("rules");
        if (rules != null && rules.isArray()) {
            for (JsonNode r : rules) {
                boolean matched = r.path("matched").asBoolean();
                List<Step> condition = new ArrayList<>();
                condition(r.get("condition"), condition);
                out.add(new Step(Outcome.of(matched), List.of(words("Rule "), code(text(r.get("id"))),
                        words(matched ? " matches." : " does not match.")), List.copyOf(condition)));
            }
        }
        JsonNode serve = t.get("serve");
        if (serve != null && serve.isObject()) {
            serve(serve, rules != null && rules.isArray() && rules.size() > 0, out);
        }
        JsonNode failure = t.get("failure");
        if (failure != null && !failure.isNull()) {
            out.add(step(Outcome.ERROR, words("The evaluation failed: " + failure.asText())));
        }
    }

    private static void serve(JsonNode serve, boolean hadRules, List<Step> out) {
        String from = text(serve.get("from"));
        List<Part> s = new ArrayList<>();
        if (from != null && from.startsWith("rule ")) {
            s.add(words("Served by rule "));
            s.add(code(from.substring("rule ".length())));
            if (hadRules) {
                s.add(words(" (no later rule is checked)"));
            }
        } else {
            s.add(words(hadRules ? "No rule matched: served by the fallthrough" : "Served by the fallthrough"));
        }
        JsonNode rollout = serve.get("rollout");
        JsonNode variant = serve.get("variant");
        if (rollout == null && variant != null && !variant.isNull()) {
            s.add(words(": variant "));
            s.add(code(variant.asText()));
        } else if (rollout != null) {
            s.add(words(", a percentage rollout"));
        }
        s.add(words("."));
        List<Step> inner = new ArrayList<>();
        if (rollout != null && rollout.isObject()) {
            rollout(rollout, variant, inner);
        }
        out.add(new Step(Outcome.INFO, List.copyOf(s), List.copyOf(inner)));
    }

    private static void rollout(JsonNode r, JsonNode variant, List<Step> out) {
        String by = text(r.get("bucketBy"));
        JsonNode value = r.get("bucketValue");
        JsonNode weights = r.get("weights");
        if (weights != null && weights.isObject()) {
            List<Part> shares = new ArrayList<>(List.of(words("Shares, in bucket order: ")));
            BigDecimal start = BigDecimal.ZERO;
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = weights.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                BigDecimal share = e.getValue().isNumber() ? e.getValue().decimalValue() : BigDecimal.ZERO;
                BigDecimal end = start.add(share);
                shares.add(words(first ? "" : ", "));
                shares.add(code(e.getKey()));
                shares.add(words(" " + percent(share) + " % (" + percent(start) + "–" + percent(end) + ")"));
                start = end;
                first = false;
            }
            shares.add(words("."));
            out.add(new Step(Outcome.INFO, List.copyOf(shares), List.of()));
        }
        if (value == null || value.isNull()) {
            out.add(step(Outcome.ERROR, words("The context has no "), code(by == null ? "targetingKey" : by),
                    words(" to bucket by, so the rollout cannot choose a variant.")));
            return;
        }
        JsonNode bucket = r.get("bucket");
        List<Part> s = new ArrayList<>(List.of(words("Bucketed by "), code(by == null ? "targetingKey" : by),
                words(" = "), code(value.asText())));
        if (bucket != null && bucket.isNumber()) {
            BigDecimal at = BigDecimal.valueOf(bucket.asLong()).multiply(BigDecimal.valueOf(100))
                    .divide(BigDecimal.valueOf(BUCKETS), 3, RoundingMode.UNNECESSARY).stripTrailingZeros();
            s.add(words(": bucket " + String.format(java.util.Locale.ROOT, "%,d", bucket.asLong()) + " of "
                    + String.format(java.util.Locale.ROOT, "%,d", BUCKETS) + " (" + at.toPlainString() + " %)"));
        }
        if (variant != null && !variant.isNull()) {
            s.add(words(", in the share of "));
            s.add(code(variant.asText()));
        }
        s.add(words("."));
        out.add(new Step(Outcome.INFO, List.copyOf(s), List.of()));
    }

    private static String percent(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    private static void condition(JsonNode c, List<Step> out) {
        if (c == null || !c.isObject()) {
            return;
        }
        boolean result = c.path("result").asBoolean();
        if (c.has("all") || c.has("any")) {
            boolean all = c.has("all");
            JsonNode parts = c.get(all ? "all" : "any");
            List<Step> inner = new ArrayList<>();
            if (parts != null && parts.isArray()) {
                parts.forEach(p -> condition(p, inner));
            }
            String sentence = all ? (result ? "All of these hold." : "Not all of these hold (checking stops at the"
                    + " first that does not).") : (result ? "One of these holds (checking stops at the first that"
                    + " does)." : "None of these holds.");
            out.add(new Step(Outcome.of(result), List.of(words(sentence)), List.copyOf(inner)));
        } else if (c.has("not")) {
            List<Step> inner = new ArrayList<>();
            condition(c.get("not"), inner);
            out.add(new Step(Outcome.of(result), List.of(words(result ? "Not: what follows does not hold, so this"
                    + " holds." : "Not: what follows holds, so this does not.")), List.copyOf(inner)));
        } else if (c.has("segment")) {
            String by = text(c.get("by"));
            List<Part> s = new ArrayList<>(List.of(words("In segment "), code(text(c.get("segment")))));
            List<Step> inner = new ArrayList<>();
            if ("included".equals(by)) {
                s.add(words(": the targeting key is on its included list."));
            } else if ("excluded".equals(by)) {
                s.add(words(": no, the targeting key is on its excluded list."));
            } else {
                s.add(words(result ? ": one of its rules holds." : ": none of its rules holds."));
                JsonNode rules = c.get("rules");
                if (rules != null && rules.isArray()) {
                    rules.forEach(r -> condition(r, inner));
                }
            }
            out.add(new Step(Outcome.of(result), List.copyOf(s), List.copyOf(inner)));
        } else if (c.has("attribute")) {
            out.add(clause(c, result));
        }
    }

    private static Step clause(JsonNode c, boolean result) {
        String op = text(c.get("op"));
        List<Part> s = new ArrayList<>(List.of(code(text(c.get("attribute"))), words(" "), code(op)));
        JsonNode values = c.get("values");
        if (values != null && values.isArray()) {
            s.add(words(" "));
            s.add(code(values(values)));
        }
        JsonNode actual = c.get("actual");
        if (actual == null || actual.isNull()) {
            s.add(words(": the context has no "));
            s.add(code(text(c.get("attribute"))));
        } else {
            s.add(words(": the context has "));
            s.add(code(cut(StoredJson.write(actual))));
        }
        s.add(words("."));
        return new Step(Outcome.of(result), List.copyOf(s), List.of());
    }

    private static String values(JsonNode values) {
        StringBuilder sb = new StringBuilder("[");
        int n = 0;
        for (JsonNode v : values) {
            if (n == MAX_VALUES) {
                sb.append(", … ").append(values.size() - MAX_VALUES).append(" more");
                break;
            }
            sb.append(n == 0 ? "" : ", ").append(cut(StoredJson.write(v)));
            n++;
        }
        return sb.append(']').toString();
    }

    private static String cut(String s) {
        return s.length() > MAX_VALUE_LENGTH ? s.substring(0, MAX_VALUE_LENGTH) + "…" : s;
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Part words(String text) {
        return new Part(text, false);
    }

    private static Part code(String text) {
        return new Part(text == null ? "" : text, true);
    }

    private static Step step(Outcome outcome, Part... parts) {
        return new Step(outcome, List.of(parts), List.of());
    }
}
