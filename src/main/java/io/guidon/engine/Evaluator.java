package io.guidon.engine;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates flags of a compiled {@link FlagSet} for a context.
 *
 * <p>The rules this evaluator and the code it calls keep, because the sidecar runs it millions of times a second
 * on its event loops:
 * <ul>
 *   <li>Everything that can be done once is done at load by {@link FlagDocumentCompiler}: sets for {@code in},
 *       compiled regular expressions, versions, instants and durations, segment and prerequisite references
 *       resolved to objects, and one {@link EvaluationResult} per flag and outcome.</li>
 *   <li>The compiled set is immutable and shared; callers swap whole sets atomically, so evaluation takes no
 *       lock.</li>
 *   <li>On the hot path: index loops, no streams, lambdas or iterators; nothing allocated for a successful
 *       evaluation except what an operator must parse from the context (versions, instants, regex matchers).</li>
 *   <li>Errors are returned as results ({@link Reason#ERROR} with an {@link ErrorCode}), never thrown.</li>
 *   <li>Explanation is the same code path with a trace collector; without one (null) nothing is recorded.</li>
 * </ul>
 *
 * <p>Order: disabled → off variant ({@code DISABLED}); a prerequisite not serving its variant → off variant
 * ({@code DISABLED} too); the targeting key in a target list ({@code TARGETING_MATCH}); the first rule
 * that holds ({@code TARGETING_MATCH} or {@code SPLIT}); the fallthrough ({@code DEFAULT}, {@code SPLIT}, or
 * {@code STATIC} for a flag without any targeting).
 */
public final class Evaluator {

    private final InstantSource clock;

    /** @param clock "now" for {@code olderThan} and {@code newerThan} */
    public Evaluator(InstantSource clock) {
        this.clock = clock;
    }

    public Evaluator() {
        this(InstantSource.system());
    }

    public EvaluationResult evaluate(FlagSet flags, String flagKey, EvaluationContext ctx) {
        Flag flag = flags.flag(flagKey);
        if (flag == null) {
            return notFound(flagKey);
        }
        return evaluate(flag, ctx, null);
    }

    public EvaluationResult evaluate(Flag flag, EvaluationContext ctx) {
        return evaluate(flag, ctx, null);
    }

    /** Evaluates and records why: which prerequisites, targets, rules and clauses matched or failed. */
    public Explanation explain(FlagSet flags, String flagKey, EvaluationContext ctx) {
        Flag flag = flags.flag(flagKey);
        Map<String, Object> trace = new LinkedHashMap<>();
        trace.put("flag", flagKey);
        if (flag == null) {
            trace.put("found", false);
            return new Explanation(notFound(flagKey), trace);
        }
        return new Explanation(evaluate(flag, ctx, trace), trace);
    }

    public static EvaluationResult notFound(String flagKey) {
        return EvaluationResult.error(flagKey, null, ErrorCode.FLAG_NOT_FOUND, "flag '" + flagKey + "' not found");
    }

    private EvaluationResult evaluate(Flag flag, EvaluationContext ctx, Map<String, Object> trace) {
        if (trace != null) {
            trace.put("enabled", flag.enabled());
        }
        if (!flag.enabled()) {
            return flag.offResult;
        }
        Flag.Prerequisite[] prerequisites = flag.prerequisites;
        if (prerequisites.length != 0) {
            List<Object> prerequisiteTrace = trace == null ? null : new ArrayList<>();
            if (trace != null) {
                trace.put("prerequisites", prerequisiteTrace);
            }
            for (int i = 0; i < prerequisites.length; i++) {
                Flag.Prerequisite p = prerequisites[i];
                Map<String, Object> inner = trace == null ? null : new LinkedHashMap<>();
                EvaluationResult r = evaluate(p.flag, ctx, inner);
                boolean passed = r.variant() == p.variant;
                if (trace != null) {
                    Map<String, Object> node = new LinkedHashMap<>();
                    node.put("flag", p.flagKey);
                    node.put("expected", p.variantKey);
                    node.put("actual", r.variantKey());
                    node.put("passed", passed);
                    node.put("trace", inner);
                    prerequisiteTrace.add(node);
                }
                if (!passed) {
                    return flag.prerequisiteFailed;
                }
            }
        }
        Map<String, EvaluationResult> targets = flag.targets;
        if (targets != null) {
            String key = ctx.targetingKey();
            EvaluationResult targeted = key == null ? null : targets.get(key);
            if (trace != null) {
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("targetingKey", key);
                node.put("matched", targeted != null);
                if (targeted != null) {
                    node.put("variant", targeted.variantKey());
                }
                trace.put("targets", node);
            }
            if (targeted != null) {
                return targeted;
            }
        }
        Rule[] rules = flag.rules;
        List<Object> ruleTrace = null;
        if (trace != null && rules.length != 0) {
            ruleTrace = new ArrayList<>();
            trace.put("rules", ruleTrace);
        }
        for (int i = 0; i < rules.length; i++) {
            Rule rule = rules[i];
            if (trace == null) {
                if (rule.condition().test(ctx, clock, null)) {
                    return rule.serve().pick(flag.saltPrefix, ctx, null);
                }
                continue;
            }
            List<Object> conditionTrace = new ArrayList<>(1);
            boolean matched = rule.condition().test(ctx, clock, conditionTrace);
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", rule.id());
            node.put("matched", matched);
            node.put("condition", conditionTrace.get(0));
            ruleTrace.add(node);
            if (matched) {
                Map<String, Object> serve = new LinkedHashMap<>();
                trace.put("serve", serve);
                serve.put("from", "rule " + rule.id());
                return rule.serve().pick(flag.saltPrefix, ctx, serve);
            }
        }
        Map<String, Object> serve = null;
        if (trace != null) {
            serve = new LinkedHashMap<>();
            serve.put("from", "fallthrough");
            trace.put("serve", serve);
        }
        return flag.fallthrough.pick(flag.saltPrefix, ctx, serve);
    }

    /** A result and the trace that led to it, as JSON-shaped maps and lists. */
    public record Explanation(EvaluationResult result, Map<String, Object> trace) {
    }
}
