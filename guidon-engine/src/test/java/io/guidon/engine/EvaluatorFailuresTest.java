package io.guidon.engine;

import static io.guidon.engine.Flags.EVALUATOR;
import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.ctx;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nothing escapes the evaluator: what fails becomes an error result for that flag alone. */
class EvaluatorFailuresTest {

    private static final String NIGHTLY = "2.0.0-nightly.20250101123456789012345";

    @Test
    void aPrereleaseNumberBeyondSixtyFourBitsCompares() {
        // Issue 9: semver4j threw NumberFormatException; OFREP answered 500, the bulk 500 for every flag.
        FlagSet set = Flags.doc()
                .flag("nightly", f -> f.bool().rule("r", clause("appVersion", "semverGt", "2.0.0-nightly.1"), "on"))
                .flag("pinned", f -> f.bool().rule("r", clause("appVersion", "semverEq", NIGHTLY), "on"))
                .compile();
        assertThat(EVALUATOR.evaluate(set, "nightly", ctx("appVersion", NIGHTLY)).variantKey()).isEqualTo("on");
        assertThat(EVALUATOR.evaluate(set, "pinned", ctx("appVersion", NIGHTLY + "+build.7")).variantKey())
                .isEqualTo("on");
        assertThat(EVALUATOR.evaluate(set, "pinned", ctx("appVersion", "2.0.0-nightly.20250101123456789012346"))
                .variantKey()).isEqualTo("off");
    }

    /** A context, as a caller may implement one, that fails for one attribute. */
    private static final EvaluationContext THROWING = new EvaluationContext() {
        @Override
        public Object get(String attribute) {
            if (attribute.equals("bad")) {
                throw new IllegalStateException("cannot read 'bad'");
            }
            return Map.of("targetingKey", "u1", "plan", "pro").get(attribute);
        }
    };

    private static final FlagSet SET = Flags.doc()
            .flag("reads-bad", f -> f.bool().rule("r", clause("bad", "in", "x"), "on"))
            .flag("reads-plan", f -> f.bool().rule("r", clause("plan", "in", "pro"), "on"))
            .flag("requires-bad", f -> f.bool().prerequisite("reads-bad", "off").fallthrough("on"))
            .compile();

    @Test
    void aContextThatThrowsIsAGeneralErrorForThatFlagAlone() {
        EvaluationResult bad = EVALUATOR.evaluate(SET, "reads-bad", THROWING);
        assertThat(bad.isError()).isTrue();
        assertThat(bad.reason()).isEqualTo(Reason.ERROR);
        assertThat(bad.errorCode()).isEqualTo(ErrorCode.GENERAL);
        assertThat(bad.errorDetails()).contains("IllegalStateException", "cannot read 'bad'");
        assertThat(bad.flag().key()).isEqualTo("reads-bad");

        assertThat(EVALUATOR.evaluate(SET, "reads-plan", THROWING).variantKey()).isEqualTo("on");
        // A failure inside a prerequisite fails the flag that was asked for, as that flag's error.
        EvaluationResult dependent = EVALUATOR.evaluate(SET, "requires-bad", THROWING);
        assertThat(dependent.errorCode()).isEqualTo(ErrorCode.GENERAL);
        assertThat(dependent.flagKey()).isEqualTo("requires-bad");
    }

    @Test
    void everyFlagOfABulkEvaluationIsAnsweredWhenOneFails() {
        int errors = 0;
        int values = 0;
        for (Flag flag : SET.flags()) {
            EvaluationResult r = EVALUATOR.evaluate(flag, THROWING);
            if (r.isError()) {
                errors++;
            } else {
                values++;
            }
        }
        assertThat(errors).isEqualTo(2);
        assertThat(values).isEqualTo(1);
    }

    @Test
    void explainRecordsTheFailureInsteadOfThrowing() {
        Evaluator.Explanation e = EVALUATOR.explain(SET, "reads-bad", THROWING);
        assertThat(e.result().errorCode()).isEqualTo(ErrorCode.GENERAL);
        assertThat(e.trace()).containsEntry("flag", "reads-bad").containsKey("failure");
    }

}
