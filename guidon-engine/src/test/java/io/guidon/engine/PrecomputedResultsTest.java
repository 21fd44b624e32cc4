package io.guidon.engine;

import static io.guidon.engine.Flags.EVALUATOR;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.ctx;
import static io.guidon.engine.Flags.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compiler builds every result a flag can give once, at load, so evaluation hands out shared instances and
 * allocates nothing on the sidecar's event loops. These tests pin that design down.
 */
class PrecomputedResultsTest {

    private static final FlagSet SET = Flags.doc()
            .flag("static", f -> f.bool().fallthrough("on"))
            .flag("disabled", f -> f.bool().enabled(false))
            .flag("failing", f -> f.bool().prerequisite("disabled", "on"))
            .flag("full", f -> f.bool()
                    .target("on", "u1")
                    .rule("de", clause("country", "in", "DE"), "on")
                    .rule("beta", clause("beta", "in", true), rollout("on", 50, "off", 50))
                    .fallthrough(rollout("on", 10, "off", 90)))
            .compile();

    /** One context per outcome: flag, attributes, and the reason it should give. */
    private static final List<Object[]> CASES = List.of(
            new Object[] {"static", ctx("targetingKey", "u1"), Reason.STATIC},
            new Object[] {"disabled", ctx("targetingKey", "u1"), Reason.DISABLED},
            new Object[] {"failing", ctx("targetingKey", "u1"), Reason.DISABLED},
            new Object[] {"full", ctx("targetingKey", "u1"), Reason.TARGETING_MATCH},
            new Object[] {"full", ctx("targetingKey", "u2", "country", "DE"), Reason.TARGETING_MATCH},
            new Object[] {"full", ctx("targetingKey", "u2", "beta", true), Reason.SPLIT},
            new Object[] {"full", ctx("targetingKey", "u2"), Reason.SPLIT},
            new Object[] {"full", ctx("country", "FR"), Reason.ERROR});

    @Test
    void everyOutcomeReturnsTheSameInstanceEachTime() {
        for (Object[] c : CASES) {
            EvaluationContext context = (EvaluationContext) c[1];
            EvaluationResult first = EVALUATOR.evaluate(SET, (String) c[0], context);
            assertThat(first.reason()).as("%s %s", c[0], context).isEqualTo(c[2]);
            for (int i = 0; i < 100; i++) {
                assertThat(EVALUATOR.evaluate(SET, (String) c[0], context)).isSameAs(first);
            }
        }
    }

    @Test
    void differentContextsWithTheSameOutcomeShareOneInstance() {
        EvaluationResult de1 = EVALUATOR.evaluate(SET, "full", ctx("targetingKey", "a", "country", "DE"));
        EvaluationResult de2 = EVALUATOR.evaluate(SET, "full", ctx("targetingKey", "b", "country", "DE"));
        assertThat(de1).isSameAs(de2);
        EvaluationResult missing1 = EVALUATOR.evaluate(SET, "full", ctx());
        EvaluationResult missing2 = EVALUATOR.evaluate(SET, "full", ctx("country", "IT"));
        assertThat(missing1).isSameAs(missing2);
    }

    @Test
    void theSameResultIsServedByEveryEvaluator() {
        EvaluationContext context = ctx("targetingKey", "u2", "country", "DE");
        assertThat(new Evaluator().evaluate(SET, "full", context)).isSameAs(EVALUATOR.evaluate(SET, "full", context));
    }

    @Test
    void successfulEvaluationsAllocateNothing() {
        var threads = ManagementFactory.getThreadMXBean();
        // Every JDK the launcher accepts (HotSpot 21+) counts bytes per thread; a JVM that cannot must not pass.
        assertThat(threads instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported())
                .as("this JVM measures the bytes a thread allocates").isTrue();
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) threads;
        EvaluationContext[] contexts = new EvaluationContext[CASES.size() - 1];
        String[] flags = new String[contexts.length];
        for (int i = 0; i < contexts.length; i++) {
            flags[i] = (String) CASES.get(i)[0];
            contexts[i] = (EvaluationContext) CASES.get(i)[1];
        }
        long tid = Thread.currentThread().threadId();
        int sink = loop(flags, contexts); // warm-up: class loading and first calls may allocate
        long before = bean.getThreadAllocatedBytes(tid);
        sink += loop(flags, contexts);
        long allocated = bean.getThreadAllocatedBytes(tid) - before;
        assertThat(sink).isPositive();
        // 70,000 evaluations; even one 16-byte object each would be over 1 MB.
        assertThat(allocated).as("bytes allocated by 70,000 evaluations").isLessThan(64 * 1024);
    }

    private static int loop(String[] flags, EvaluationContext[] contexts) {
        int sink = 0;
        for (int round = 0; round < 10_000; round++) {
            for (int i = 0; i < flags.length; i++) {
                sink += EVALUATOR.evaluate(SET, flags[i], contexts[i]).reason().ordinal() + 1;
            }
        }
        return sink;
    }

    @Test
    void resultsDescribeThemselves() {
        assertThat(EVALUATOR.evaluate(SET, "full", ctx("targetingKey", "u2", "country", "DE")))
                .hasToString("EvaluationResult[full on=true TARGETING_MATCH rule de]");
        assertThat(EVALUATOR.evaluate(SET, "nope", ctx()).toString()).contains("ERROR FLAG_NOT_FOUND");
    }
}
