package io.guidon.engine;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   <li>Errors are returned as results ({@link Reason#ERROR} with an {@link ErrorCode}), never thrown. What the
 *       engine cannot rule out (a caller's context that throws, a fault of ours) is caught at the two entry points
 *       and becomes {@link ErrorCode#GENERAL} for that flag alone; a try block costs nothing when nothing throws.
 *       Recursion (prerequisites, segments, nested conditions) is bounded by the documented limits the compiler
 *       enforces, so evaluation cannot overflow the stack.</li>
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

    /**
     * Evaluates the flag {@code flagKey}; never throws: an unknown flag is {@link ErrorCode#FLAG_NOT_FOUND}, and
     * anything that fails inside (a context whose {@code get} throws, a fault in the engine) is
     * {@link ErrorCode#GENERAL} for this flag alone, logged at most once per {@value #LOG_INTERVAL_MS} ms.
     */
    public EvaluationResult evaluate(FlagSet flags, String flagKey, EvaluationContext ctx) {
        Flag flag = flags.flag(flagKey);
        if (flag == null) {
            return notFound(flagKey);
        }
        return evaluate(flag, ctx);
    }

    /** Evaluates {@code flag}; never throws (see {@link #evaluate(FlagSet, String, EvaluationContext)}). */
    public EvaluationResult evaluate(Flag flag, EvaluationContext ctx) {
        try {
            return evaluate(flag, ctx, null);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(flag, e);
        }
    }

    /**
     * Evaluates and records why: which prerequisites, targets, rules and clauses matched or failed. Never throws;
     * after a failure the trace holds what was recorded before it and {@code "failure"}.
     */
    public Explanation explain(FlagSet flags, String flagKey, EvaluationContext ctx) {
        Flag flag = flags.flag(flagKey);
        Map<String, Object> trace = new LinkedHashMap<>();
        trace.put("flag", flagKey);
        if (flag == null) {
            trace.put("found", false);
            return new Explanation(notFound(flagKey), trace);
        }
        try {
            return new Explanation(evaluate(flag, ctx, trace), trace);
        } catch (RuntimeException | StackOverflowError e) {
            EvaluationResult result = failed(flag, e);
            trace.put("failure", result.errorDetails());
            return new Explanation(result, trace);
        }
    }

    /** At most one log line per this many milliseconds about failed evaluations; the others are counted in it. */
    static final long LOG_INTERVAL_MS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(Evaluator.class);
    private static final AtomicLong nextLog = new AtomicLong();
    private static final AtomicLong unlogged = new AtomicLong();

    /**
     * The error result for an evaluation that threw. Built on failure only, so the successful path stays
     * allocation-free; the exception is logged with its stack trace, rate-limited because one bad flag may fail
     * for every request.
     */
    static EvaluationResult failed(Flag flag, Throwable e) {
        // The class's simple name and at most 200 characters of the message: enough to act on, without the
        // engine's internals or an unbounded context value in every answer; the log has the stack trace.
        String message = e.getMessage();
        String details = "evaluation failed: " + e.getClass().getSimpleName() + (message == null ? ""
                : ": " + (message.length() > 200 ? message.substring(0, 200) + "..." : message));
        long now = System.currentTimeMillis();
        long next = nextLog.get();
        if (now >= next && nextLog.compareAndSet(next, now + LOG_INTERVAL_MS)) {
            long others = unlogged.getAndSet(0);
            log.error("flag '{}': {} (and {} other failed evaluation(s) since the last report)", flag.key(), details,
                    others, e);
        } else {
            unlogged.incrementAndGet();
        }
        return EvaluationResult.error(flag.key(), flag, ErrorCode.GENERAL, details);
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
