-- Experiment results kept up to date as events arrive (issue 13, docs/adr/0124-experiment-state.md): per running
-- experiment, each exposed user's state (first exposure, variant, per-metric amounts) and the per-arm totals of those
-- amounts, so that results read the totals instead of joining every exposure to every conversion.

-- The events of a running experiment's flag and metrics not yet folded into its state: written by the triggers
-- below in the transaction that inserts the raw events (an ingested batch, or any other writer: the raw tables and
-- this queue cannot disagree), consumed (deleted) by the folding transaction that reads them. A copy of the raw rows
-- so that folding never scans the raw tables.
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

-- The queue's writers: after each statement inserting raw events (through the partitioned parent), a copy of those
-- of a running experiment. FOR SHARE of the experiment and its metrics: a start, stop or edit committing meanwhile
-- waits for the inserting transaction, so that events are either queued for the definition the state is built for
-- or committed before the rebuild that a new definition causes reads the raw events (ADR 0124).
CREATE FUNCTION experiment_pending_exposures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH live AS (SELECT e.id, e.environment_id, e.flag_key, e.start_at, e.end_at FROM experiments e
                  WHERE e.status = 'running' AND e.environment_id IN (SELECT environment_id FROM new_rows)
                  FOR SHARE OF e)
    INSERT INTO experiment_pending (experiment_id, kind, occurred_at, targeting_key, variant)
    SELECT live.id, 'e', n.occurred_at, n.targeting_key, n.variant
    FROM new_rows n JOIN live ON live.environment_id = n.environment_id AND live.flag_key = n.flag
    WHERE n.occurred_at >= live.start_at AND (live.end_at IS NULL OR n.occurred_at < live.end_at);
    RETURN NULL;
END $$;

CREATE TRIGGER flag_exposures_pending AFTER INSERT ON flag_exposures REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION experiment_pending_exposures();

-- Conversions of the events a running experiment's metrics read (a numerator or a ratio's denominator), from its
-- start less CUPED's window, each once per experiment.
CREATE FUNCTION experiment_pending_conversions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH live AS (SELECT e.id, e.environment_id,
                         e.start_at - make_interval(secs => coalesce(e.cuped_seconds, 0)) AS from_at, e.end_at,
                         m.event, m.denominator_event
                  FROM experiments e JOIN experiment_metrics em ON em.experiment_id = e.id
                  JOIN metrics m ON m.id = em.metric_id
                  WHERE e.status = 'running' AND e.environment_id IN (SELECT environment_id FROM new_rows)
                  FOR SHARE OF e, m),
         ids AS (SELECT DISTINCT id, environment_id, from_at, end_at FROM live)
    INSERT INTO experiment_pending (experiment_id, kind, occurred_at, targeting_key, event, value)
    SELECT ids.id, 'c', n.occurred_at, n.targeting_key, n.event, n.value
    FROM new_rows n JOIN ids ON ids.environment_id = n.environment_id
    WHERE n.occurred_at >= ids.from_at AND (ids.end_at IS NULL OR n.occurred_at < ids.end_at)
      AND EXISTS (SELECT 1 FROM live WHERE live.id = ids.id
                  AND (live.event = n.event OR live.denominator_event = n.event));
    RETURN NULL;
END $$;

CREATE TRIGGER conversion_events_pending AFTER INSERT ON conversion_events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION experiment_pending_conversions();
