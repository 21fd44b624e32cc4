package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * A progressive rollout plan as stored (V11 {@code rollout_plans}, docs/adr/0116-progressive-rollouts.md): what it
 * asks for ({@link RolloutPlanSpec}) and where it stands.
 *
 * @param stageIndex the stage being served, 0-based; null before the start
 * @param stageStartedAt when that stage started (or the plan was last resumed): its users are those first exposed
 *     since then, and its minimum duration counts from then; null before the start
 * @param currentPercentage the treatment's share served now because of the plan (0 before the start and after a
 *     rollback or an abort, 100 once completed)
 * @param nextCheckAt when the next check is due; null unless running
 * @param lastVerdict the last check's action and reason in words; null before the first check
 * @param reason why the plan was rolled back, paused, aborted or completed, with its numbers; null otherwise
 * @param reasonDetails the numbers of {@code reason} (the guardrail's samples, estimate and interval; the SRM
 *     test), or null
 */
public record RolloutPlan(long id, String environment, String flag, RolloutPlanSpec spec, Status status,
        Integer stageIndex, OffsetDateTime stageStartedAt, BigDecimal currentPercentage, OffsetDateTime nextCheckAt,
        String lastVerdict, String reason, JsonNode reasonDetails, int checks, Schedule.By createdBy,
        Schedule.By startedBy, OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime startedAt,
        OffsetDateTime endedAt) {

    /** Where a plan stands. Running and paused plans are active: one per flag and environment. */
    public enum Status {
        PENDING, RUNNING, PAUSED, ROLLED_BACK, ABORTED, COMPLETED;

        /** {@code pending}, {@code rolled_back}, ... */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status named {@code text}, or null. */
        public static Status parse(String text) {
            for (Status s : values()) {
                if (s.jsonName().equals(text)) {
                    return s;
                }
            }
            return null;
        }

        /** Running or paused: the plan owns the flag's fallthrough in its environment. */
        public boolean active() {
            return this == RUNNING || this == PAUSED;
        }

        /** Rolled back, aborted or completed: nothing more happens to it. */
        public boolean ended() {
            return this == ROLLED_BACK || this == ABORTED || this == COMPLETED;
        }
    }

    /** The audit log's resource type of a plan (its resource key is the plan's id). */
    public static final String RESOURCE_TYPE = "rollout_plan";

    /** The agent named in the audit log for this plan's steps: "rollout plan 7" (for the key that started it). */
    public String agent() {
        return "rollout plan " + id;
    }

    /** The stage being served, or null. */
    public RolloutPlanSpec.Stage stage() {
        return stageIndex == null ? null : spec.stages().get(stageIndex);
    }

    /** Plans listed newest first: the cursor is the id of the last one on the page. */
    public String position() {
        return Long.toString(id);
    }

    /**
     * One check of a running plan (V11 {@code rollout_plan_checks}): the users first exposed in its stage per arm
     * (those seen in both arms are in neither, counted as mixed), their exposures, the sample-ratio-mismatch test
     * of the split, each guardrail's samples and verdict ({@code guardrails}: the stored JSON array), and what the
     * plan did ({@code action}: hold, advance, complete, rollback, pause) and why.
     */
    public record Check(long id, OffsetDateTime checkedAt, int stageIndex, BigDecimal percentage, long controlUsers,
            long treatmentUsers, long mixedUsers, long controlExposures, long treatmentExposures, double srmChi2,
            double srmP, JsonNode guardrails, String action, String reason) {
    }
}
