-- Experiments (issue 13, ADR 0118): a tenant's metrics, experiments on a flag in an environment, and their stored
-- results (the analysis snapshots: the current one and one per completed UTC day).

-- What a metric reads from the conversions sent with POST /v1/track, per user, from the user's first exposure.
CREATE TABLE metrics (
    id                  bigserial        PRIMARY KEY,
    tenant_id           bigint           NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key                 text             NOT NULL,
    name                text             NOT NULL,
    description         text             NOT NULL DEFAULT '',
    -- proportion: the user sent the event at least once in the window; mean: the per-user sum of the event's values
    -- (value_source 'value') or its count ('count'), averaged over users; ratio: the sum over users of the event's
    -- values or counts divided by the same of denominator_event.
    kind                text             NOT NULL CHECK (kind IN ('proportion', 'mean', 'ratio')),
    event               text             NOT NULL,
    value_source        text             NOT NULL DEFAULT 'count' CHECK (value_source IN ('value', 'count')),
    denominator_event   text,
    denominator_source  text             CHECK (denominator_source IN ('value', 'count')),
    -- Events count from the user's first exposure for this long (null: until the experiment's end).
    window_seconds      bigint           CHECK (window_seconds > 0),
    direction           text             NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    -- Outliers: per-user values above a percentile of the users' values (cap_value in (0, 1)), or above a fixed
    -- value, count as that bound.
    cap_kind            text             CHECK (cap_kind IN ('percentile', 'fixed')),
    cap_value           double precision,
    version             bigint           NOT NULL DEFAULT 1,
    created_at          timestamptz      NOT NULL DEFAULT now(),
    updated_at          timestamptz      NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key),
    CHECK ((kind = 'ratio') = (denominator_event IS NOT NULL)),
    CHECK ((kind = 'ratio') = (denominator_source IS NOT NULL)),
    CHECK ((cap_kind IS NULL) = (cap_value IS NULL))
);

-- An experiment compares variants of a flag in one environment (one of them the control) on metrics.
CREATE TABLE experiments (
    id                  bigserial        PRIMARY KEY,
    tenant_id           bigint           NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- By id (what it was made for) and by key (what the exposures name); no foreign keys, as rollout_plans: a
    -- deleted environment or flag leaves the experiment readable with the data it had.
    environment_id      bigint           NOT NULL,
    environment_key     text             NOT NULL,
    flag_id             bigint           NOT NULL,
    flag_key            text             NOT NULL,
    key                 text             NOT NULL,
    name                text             NOT NULL,
    hypothesis          text             NOT NULL DEFAULT '',
    control_variant     text             NOT NULL,
    -- [{"key": "off", "weight": 50}, {"key": "on", "weight": 50}]: the variants compared, in order, with their
    -- planned weights (the SRM check's expected split). json: the order is kept.
    variants            json             NOT NULL,
    -- The analysis: frequentist or bayesian, fixed horizon or sequential, alpha, power, the relative minimum
    -- detectable effect (null: none), the correction across arms and metrics, CUPED's pre-exposure window.
    method              text             NOT NULL CHECK (method IN ('frequentist', 'bayesian')),
    sequential          boolean          NOT NULL DEFAULT false,
    alpha               double precision NOT NULL CHECK (alpha > 0 AND alpha < 0.5),
    power               double precision NOT NULL CHECK (power > 0 AND power < 1),
    minimum_detectable_effect double precision CHECK (minimum_detectable_effect > 0),
    correction          text             NOT NULL CHECK (correction IN ('none', 'holm', 'benjamini_hochberg')),
    cuped_seconds       bigint           CHECK (cuped_seconds > 0),
    status              text             NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'stopped')),
    -- The exposures counted are those in [start_at, end_at) (end_at null: until now).
    start_at            timestamptz,
    end_at              timestamptz,
    version             bigint           NOT NULL DEFAULT 1,
    created_by_name     text             NOT NULL,
    created_at          timestamptz      NOT NULL DEFAULT now(),
    updated_at          timestamptz      NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key),
    CHECK (status = 'draft' OR start_at IS NOT NULL),
    CHECK (status <> 'stopped' OR end_at IS NOT NULL),
    CHECK (end_at IS NULL OR start_at IS NULL OR end_at > start_at)
);
CREATE INDEX experiments_flag ON experiments (environment_id, flag_key);
CREATE INDEX experiments_running ON experiments (status) WHERE status = 'running';

-- The metrics of an experiment: exactly one primary, any secondary and guardrail ones, in order.
CREATE TABLE experiment_metrics (
    experiment_id       bigint           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    metric_id           bigint           NOT NULL REFERENCES metrics (id),
    role                text             NOT NULL CHECK (role IN ('primary', 'secondary', 'guardrail')),
    position            integer          NOT NULL,
    PRIMARY KEY (experiment_id, metric_id)
);
CREATE UNIQUE INDEX experiment_metrics_one_primary ON experiment_metrics (experiment_id) WHERE role = 'primary';
CREATE INDEX experiment_metrics_metric ON experiment_metrics (metric_id);

-- The analysis' sufficient statistics, per metric and variant, as of an instant: the current snapshot (day null)
-- and one per completed UTC day (day = that day; as of its end), the results over time. What the statistics in Java
-- read; recomputed from the raw events when older than experiments.results-max-age or when the experiment changed.
CREATE TABLE experiment_snapshots (
    experiment_id       bigint           NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    -- null for the current snapshot; a UTC day for that day's (never recomputed once written, unless the
    -- experiment's definition changes, which deletes them).
    day                 date,
    as_of               timestamptz      NOT NULL,
    computed_at         timestamptz      NOT NULL DEFAULT now(),
    -- The experiment's version the snapshot was computed for.
    experiment_version  bigint           NOT NULL,
    -- How long the computation took, for the results page and the benchmark.
    duration_ms         bigint           NOT NULL,
    -- {"users": {"off": n, ...}, "excluded": n, "metrics": {"<metric key>": {"<variant>": {"n":..,"sumX":..,...}}}}
    stats               jsonb            NOT NULL
);
CREATE UNIQUE INDEX experiment_snapshots_current ON experiment_snapshots (experiment_id) WHERE day IS NULL;
CREATE UNIQUE INDEX experiment_snapshots_daily ON experiment_snapshots (experiment_id, day) WHERE day IS NOT NULL;
