-- Experiment results kept up to date as events arrive (issue 13, docs/adr/0124-experiment-state.md): per running
-- experiment, each exposed user's state (first exposure, variant, per-metric amounts) and the per-arm totals of those
-- amounts, so that results read the totals instead of joining every exposure to every conversion.

-- The events of a running experiment's flag and metrics not yet folded into its state: written by each ingested
-- batch in the batch's transaction (PgEventStore), consumed (deleted) by the folding transaction that reads them. A
-- copy of the raw rows so that folding never scans the raw tables.
CREATE TABLE experiment_pending (
    experiment_id   bigint           NOT NULL,
    -- 'e': an exposure (variant set); 'c': a conversion (event and value set).
    kind            "char"           NOT NULL CHECK (kind IN ('e', 'c')),
    occurred_at     timestamptz      NOT NULL,
    targeting_key   text             NOT NULL,
    variant         text,
    event           text,
    value           double precision
);
CREATE INDEX experiment_pending_experiment ON experiment_pending (experiment_id);

-- What an experiment's state was built for, and its per-arm totals. No foreign key: the row of a deleted experiment
-- is how the replicas' upkeep finds its users to remove (in chunks, never in the admin's transaction).
CREATE TABLE experiment_states (
    experiment_id   bigint           PRIMARY KEY,
    -- AnalysisPlan.stateDefinition(): the start, CUPED's window and each metric's id and version. Another one means
    -- the state is rebuilt from the raw events.
    definition      text             NOT NULL,
    built_at        timestamptz      NOT NULL DEFAULT now(),
    folded_at       timestamptz      NOT NULL DEFAULT now(),
    -- The time of the latest event the state holds (null: none): when the experiment gets an end at or before it
    -- (a stop, an edit), the state is rebuilt, since it holds events the end excludes.
    latest_event_at timestamptz,
    -- {"excluded": n, "arms": {"<variant>": {"n": n, "metrics": [[converters, Σx, Σx², Σy, Σy², Σxy, Σp, Σp², Σxp],
    -- ...]}}}: sums of the users' amounts after fixed caps (percentile caps are applied when results are read).
    totals          jsonb            NOT NULL
);

-- One row per user exposed to the experiment's flag in its window. No foreign key (a deleted experiment's rows are
-- removed by the replicas' upkeep, see experiment_states). x, y and p hold one amount per metric, in the
-- plan's metric order: the amount after exposure (uncapped), a ratio's denominator (0 otherwise), CUPED's
-- pre-exposure amount (0 without CUPED).
CREATE TABLE experiment_users (
    experiment_id   bigint           NOT NULL,
    targeting_key   text             NOT NULL,
    first_at        timestamptz      NOT NULL,
    -- The variant of the user's exposures (the least when mixed).
    variant         text             NOT NULL,
    -- Exposed to more than one variant: excluded from the analysis and counted.
    mixed           boolean          NOT NULL,
    x               double precision[] NOT NULL,
    y               double precision[] NOT NULL,
    p               double precision[] NOT NULL,
    PRIMARY KEY (experiment_id, targeting_key)
);

-- A user's conversions, for folding a newly exposed user (or one whose first exposure moved earlier): their amounts
-- are recomputed from their own conversions.
CREATE INDEX conversion_events_user ON conversion_events (environment_id, targeting_key, occurred_at);
