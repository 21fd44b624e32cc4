-- Progressive rollouts with guardrails (issue 12, ADR 0116). A plan moves a flag's fallthrough in one environment
-- from a control variant to a treatment variant in stages; every replica's runner checks each running plan when its
-- check is due (claimed FOR UPDATE SKIP LOCKED in the transaction that records the check and any step it takes), so
-- each due check runs once however many replicas run.
CREATE TABLE rollout_plans (
    id                    bigserial        PRIMARY KEY,
    tenant_id             bigint           NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The environment and flag, by id (what the plan was made for) and by key (what its changes name). No foreign
    -- key, like flag_schedules: deleting either never waits for a plan's lock; a check of a plan whose environment
    -- or flag is gone aborts it, saying so.
    environment_id        bigint           NOT NULL,
    environment_key       text             NOT NULL,
    flag_id               bigint           NOT NULL,
    flag_key              text             NOT NULL,
    control_variant       text             NOT NULL,
    treatment_variant     text             NOT NULL,
    -- The attribute users are bucketed by (null: the targeting key).
    bucket_by             text,
    -- [{"percentage": 5, "minDuration": "PT1H", "minExposures": 1000}, ...] with increasing percentages. json, as
    -- written (the percentages' digits are kept).
    stages                json             NOT NULL,
    -- [{"event": "error", "kind": "rate", "direction": "lower_is_better", "maxDegradation": 0.1,
    --   "scale": "relative"}, ...]
    guardrails            json             NOT NULL,
    -- The plan's overall false-alarm rate; each stage's test of each guardrail gets alpha / (stages x guardrails).
    alpha                 double precision NOT NULL CHECK (alpha > 0 AND alpha < 1),
    status                text             NOT NULL DEFAULT 'pending' CHECK (status IN
                              ('pending', 'running', 'paused', 'rolled_back', 'aborted', 'completed')),
    -- The stage being served (0-based; null before the start) and when it started: its users are those first
    -- exposed since then (its exposure baseline), and its minimum duration counts from then.
    stage_index           integer,
    stage_started_at      timestamptz,
    -- The treatment's share served now, as written in the stage (0 before the start and after a rollback or abort).
    current_percentage    numeric          NOT NULL DEFAULT 0,
    -- When the next check is due (running plans only); the runners claim plans by it.
    next_check_at         timestamptz,
    -- The last check's verdict in words (hold, advance, ...) and, for a rollback or a pause, the reason with its
    -- numbers; reason_details holds those numbers (the guardrail, exposures, events, estimate, interval; or the SRM).
    last_verdict          text,
    reason                text,
    reason_details        json,
    checks                integer          NOT NULL DEFAULT 0,
    -- Who made it and who started it (the key whose changes the plan's steps are, audited as "rollout plan <id>").
    created_by_key_id     uuid,
    created_by_name       text             NOT NULL,
    started_by_key_id     uuid,
    started_by_name       text,
    created_at            timestamptz      NOT NULL DEFAULT now(),
    updated_at            timestamptz      NOT NULL DEFAULT now(),
    started_at            timestamptz,
    ended_at              timestamptz,
    CHECK ((status = 'pending') = (stage_index IS NULL)),
    CHECK ((status = 'running') = (next_check_at IS NOT NULL))
);
-- One active plan per flag and environment: two plans moving one fallthrough would undo each other's steps.
CREATE UNIQUE INDEX rollout_plans_one_active ON rollout_plans (environment_id, flag_id)
    WHERE status IN ('running', 'paused');
-- The runners' scan: running plans by when their check is due.
CREATE INDEX rollout_plans_due ON rollout_plans (next_check_at, id) WHERE status = 'running';
-- The listings: a tenant's plans (newest first), a flag's in an environment.
CREATE INDEX rollout_plans_tenant ON rollout_plans (tenant_id, id);
CREATE INDEX rollout_plans_flag ON rollout_plans (tenant_id, environment_key, flag_key, id);

-- One row per check of a running plan: what was counted and judged, and what the plan did.
CREATE TABLE rollout_plan_checks (
    id                    bigserial        PRIMARY KEY,
    plan_id               bigint           NOT NULL REFERENCES rollout_plans (id) ON DELETE CASCADE,
    checked_at            timestamptz      NOT NULL DEFAULT now(),
    stage_index           integer          NOT NULL,
    percentage            numeric          NOT NULL,
    -- Users first exposed in the stage per arm (a user seen in both arms is in neither: counted in mixed_users),
    -- and their exposures.
    control_users         bigint           NOT NULL,
    treatment_users       bigint           NOT NULL,
    mixed_users           bigint           NOT NULL,
    control_exposures     bigint           NOT NULL,
    treatment_exposures   bigint           NOT NULL,
    -- The sample-ratio-mismatch test of the users per arm against the stage's split.
    srm_chi2              double precision NOT NULL,
    srm_p                 double precision NOT NULL,
    -- [{"event": ..., "control": {"n", "events", "sum", "sumOfSquares"}, "treatment": {...}, "estimate",
    --   "variance", "lower", "upper", "degraded", "enoughData"}, ...] in the plan's guardrail order
    guardrails            json             NOT NULL,
    -- hold, advance, complete, rollback or pause, and why in words.
    action                text             NOT NULL,
    reason                text             NOT NULL
);
CREATE INDEX rollout_plan_checks_plan ON rollout_plan_checks (plan_id, id);
