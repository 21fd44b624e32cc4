package io.guidon.controlplane.domain;

import io.guidon.controlplane.domain.RolloutPlanSpec.Numbers;
import io.guidon.stats.Direction;
import io.guidon.stats.Guardrails;
import io.guidon.stats.Sample;
import io.guidon.stats.SampleRatioMismatch;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * What a check of a rollout plan does next (docs/adr/0116-progressive-rollouts.md), given the plan, how long its
 * stage has run, the users exposed in the stage per arm, the guardrails' verdicts and the split's
 * sample-ratio-mismatch test. Pure: the service counts, judges and applies.
 *
 * <p>In this order: a plan that is not running holds; a degraded guardrail rolls back (to 0 % treatment: the safe
 * side whatever else is wrong, so it is decided before the split); a sample-ratio mismatch pauses (a broken split
 * makes every comparison meaningless, and neither advancing nor rolling back on it is justified; people must look);
 * a stage that ran its minimum duration, exposed its minimum of users and has no degraded guardrail advances to the
 * next stage's percentage, or completes the plan (100 % treatment) after the last; anything else holds.
 */
public final class RolloutStageMachine {

    private RolloutStageMachine() {
    }

    /**
     * One guardrail's data and verdict at a check.
     *
     * @param control the control users' per-user values (events per user for a rate; each user's mean for a mean)
     * @param controlEvents the control users' events of the guardrail's name
     * @param treatmentEvents likewise for the treatment
     */
    public record GuardrailCheck(RolloutPlanSpec.Guardrail guardrail, Sample control, long controlEvents,
            Sample treatment, long treatmentEvents, Guardrails.Verdict verdict) {
    }

    /**
     * What a check observed in the current stage.
     *
     * @param inStage how long the stage has run (since it started or the plan was resumed), by the database's clock
     * @param controlUsers users first exposed in the stage who saw only the control
     * @param treatmentUsers likewise for the treatment
     * @param guardrails one per guardrail of the plan, in its order
     * @param srm the split's test ({@link #splitTest})
     */
    public record Observation(Duration inStage, long controlUsers, long treatmentUsers,
            List<GuardrailCheck> guardrails, SampleRatioMismatch.Result srm) {
    }

    /** What the plan does after a check; {@link #reason} says why in words, with the numbers. */
    public sealed interface Action {
        /** {@code hold}, {@code advance}, {@code complete}, {@code rollback} or {@code pause}. */
        String name();

        String reason();
    }

    /** Nothing changes: the stage still needs time or users. */
    public record Hold(String reason) implements Action {
        @Override
        public String name() {
            return "hold";
        }
    }

    /** The next stage starts: {@code percentage} of treatment. */
    public record Advance(int stage, BigDecimal percentage, String reason) implements Action {
        @Override
        public String name() {
            return "advance";
        }
    }

    /** The last stage is done: 100 % treatment, the plan completed. */
    public record Complete(String reason) implements Action {
        @Override
        public String name() {
            return "complete";
        }
    }

    /** Guardrail {@code guardrail} (its index) degraded: back to 0 % treatment, the plan rolled back. */
    public record Rollback(int guardrail, String reason) implements Action {
        @Override
        public String name() {
            return "rollback";
        }
    }

    /** The split is broken: the plan pauses, serving what it serves, until someone resumes or aborts it. */
    public record Pause(String reason) implements Action {
        @Override
        public String name() {
            return "pause";
        }
    }

    /**
     * The sample-ratio-mismatch test of {@code controlUsers} and {@code treatmentUsers} against a split of
     * {@code percentage} % treatment; no evidence ({@code χ² = 0, p = 1}) when the split has an empty side (0 or
     * 100 %), where every user is expected in one arm.
     */
    public static SampleRatioMismatch.Result splitTest(BigDecimal percentage, long controlUsers, long treatmentUsers) {
        double treatment = percentage.doubleValue();
        double control = 100 - treatment;
        if (!(treatment > 0) || !(control > 0)) {
            return new SampleRatioMismatch.Result(0, 1, 1);
        }
        return SampleRatioMismatch.test(new long[] {controlUsers, treatmentUsers}, new double[] {control, treatment});
    }

    /**
     * The next action (see the class comment).
     *
     * @param spec the plan
     * @param status where the plan stands; anything but running holds
     * @param stageIndex the stage being served
     * @param observed what the check counted and judged
     * @param srmThreshold the p-value below which the split is called broken ({@code rollouts.srm-threshold})
     */
    public static Action next(RolloutPlanSpec spec, RolloutPlan.Status status, int stageIndex, Observation observed,
            double srmThreshold) {
        if (status != RolloutPlan.Status.RUNNING) {
            return new Hold("the plan is " + status.jsonName() + ": only a running plan moves");
        }
        for (int i = 0; i < observed.guardrails().size(); i++) {
            GuardrailCheck g = observed.guardrails().get(i);
            if (g.verdict().degraded()) {
                return new Rollback(i, degraded(g));
            }
        }
        RolloutPlanSpec.Stage stage = spec.stages().get(stageIndex);
        if (observed.srm().mismatch(srmThreshold)) {
            return new Pause("sample ratio mismatch: " + observed.controlUsers() + " control and "
                    + observed.treatmentUsers() + " treatment users where stage " + (stageIndex + 1) + " splits "
                    + BigDecimal.valueOf(100).subtract(stage.percentage()).toPlainString() + "/"
                    + stage.percentage().toPlainString() + " (χ² = " + Numbers.plain(observed.srm().statistic())
                    + ", p = " + Numbers.plain(observed.srm().pValue()) + " < " + Numbers.plain(srmThreshold)
                    + "): the split is broken, so no comparison of the arms can be trusted; find out why (assignment,"
                    + " logging, filtering), then resume or abort");
        }
        long users = observed.controlUsers() + observed.treatmentUsers();
        boolean longEnough = observed.inStage().compareTo(stage.minDuration()) >= 0;
        boolean enoughUsers = users >= stage.minExposures();
        String progress = duration(observed.inStage()) + " of at least " + duration(stage.minDuration()) + ", "
                + users + " exposed users of at least " + stage.minExposures();
        if (!longEnough || !enoughUsers) {
            return new Hold("stage " + (stageIndex + 1) + " (" + stage.percentage().toPlainString() + " %) needs "
                    + (!longEnough ? "more time" : "") + (!longEnough && !enoughUsers ? " and " : "")
                    + (!enoughUsers ? "more users" : "") + ": " + progress);
        }
        String done = "stage " + (stageIndex + 1) + " (" + stage.percentage().toPlainString() + " %) is done ("
                + progress + ", no guardrail degraded)";
        if (stageIndex + 1 >= spec.stages().size()) {
            return new Complete(done + "; it was the last: 100 % " + spec.treatment());
        }
        RolloutPlanSpec.Stage nextStage = spec.stages().get(stageIndex + 1);
        return new Advance(stageIndex + 1, nextStage.percentage(), done + "; stage " + (stageIndex + 2) + " serves "
                + nextStage.percentage().toPlainString() + " % " + spec.treatment());
    }

    /** The words of a degraded guardrail, with the numbers that decided it. */
    static String degraded(GuardrailCheck g) {
        RolloutPlanSpec.Guardrail spec = g.guardrail();
        Guardrails.Verdict v = g.verdict();
        String estimate = spec.relative() ? signedPercent(v.estimate().value()) : signed(v.estimate().value());
        String interval = spec.relative()
                ? signedPercent(v.interval().lower()) + " to " + signedPercent(v.interval().upper())
                : signed(v.interval().lower()) + " to " + signed(v.interval().upper());
        String allowed = spec.relative() ? Numbers.percent(spec.maxDegradation())
                : Numbers.plain(spec.maxDegradation());
        String worse = spec.direction() == Direction.LOWER_IS_BETTER ? "above +" + allowed : "below -" + allowed;
        return "guardrail " + spec.describe() + " degraded: treatment " + arm(spec, g.treatment(), g.treatmentEvents())
                + ", control " + arm(spec, g.control(), g.controlEvents()) + "; estimated difference " + estimate
                + ", always-valid interval " + interval + ", wholly " + worse + ": rolled back to 0 % treatment";
    }

    private static String arm(RolloutPlanSpec.Guardrail spec, Sample s, long events) {
        return switch (spec.kind()) {
            case RATE -> s.n() + " users, " + events + " events (" + Numbers.plain(s.mean()) + " per user)";
            case MEAN -> s.n() + " users with " + events + " events (mean " + Numbers.plain(s.mean()) + ")";
        };
    }

    private static String signedPercent(double fraction) {
        return (fraction >= 0 ? "+" : "") + Numbers.percent(fraction);
    }

    private static String signed(double x) {
        return (x >= 0 ? "+" : "") + Numbers.plain(x);
    }

    /** "1 h 5 min", "30 s", "0 s". */
    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        StringBuilder b = new StringBuilder();
        if (days > 0) {
            b.append(days).append(" d ");
        }
        if (hours > 0) {
            b.append(hours).append(" h ");
        }
        if (minutes > 0 || b.isEmpty()) {
            b.append(minutes).append(" min ");
        }
        return b.toString().strip();
    }
}
