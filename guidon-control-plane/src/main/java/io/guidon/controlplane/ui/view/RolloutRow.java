package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.RolloutPlan;
import java.time.Instant;

/**
 * A rollout plan as a row of a list (the tenant's rollouts page, a flag's plans on its page): where it is, what it
 * serves, its stage, and the reason it ended or paused.
 */
public record RolloutRow(long id, String flag, String environment, String status, String serving, String stage,
        String updated, String reason) {

    public static RolloutRow of(RolloutPlan p, Instant now) {
        String serving = p.currentPercentage().toPlainString() + " % " + p.spec().treatment() + ", "
                + java.math.BigDecimal.valueOf(100).subtract(p.currentPercentage()).toPlainString() + " % "
                + p.spec().control();
        String stage = p.stageIndex() == null ? "not started" : "stage " + (p.stageIndex() + 1) + " of "
                + p.spec().stages().size();
        return new RolloutRow(p.id(), p.flag(), p.environment(), p.status().jsonName(), serving, stage,
                Moments.ago(p.updatedAt(), now), p.reason());
    }

    /** The plan's page. */
    public String url() {
        return "/ui/rollouts/" + id;
    }

    public String flagUrl() {
        return Links.flag(flag) + "?env=" + Links.encode(environment);
    }
}
