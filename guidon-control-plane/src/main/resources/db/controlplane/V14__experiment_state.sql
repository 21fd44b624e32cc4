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
-- of a running experiment, or of one stopped in the last 31 days (events arrive late: a sidecar's spool, a control
-- plane outage; the ingest refuses events older than events.max-event-age, 30 days by default) for times before its
-- end. First they take FOR SHARE of the environment's draft and running experiments' metrics,
-- then of those experiments (the order in which a metric's edit locks them: never a deadlock), so that a start, a
-- stop or an edit of the experiment or its metrics waits for the inserting transaction: its events are then either
-- queued under the definition the kept state is built for, or committed before the rebuild that a new definition
-- causes reads the raw events (ADR 0124). The copy is made after the locks, by a statement with a snapshot of its own,
-- so that it reads the definitions as they stand.
-- Whether any experiment of the environments may need the events (after taking the locks).
CREATE FUNCTION experiment_pending_lock(envs bigint[]) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM experiments e
                   WHERE (e.status IN ('draft', 'running') OR e.end_at > now() - interval '31 days')
                     AND e.environment_id = ANY (envs)) THEN
        RETURN false;
    END IF;
    PERFORM 1 FROM metrics m JOIN experiment_metrics em ON em.metric_id = m.id
    JOIN experiments e ON e.id = em.experiment_id
    WHERE (e.status IN ('draft', 'running') OR e.end_at > now() - interval '31 days')
      AND e.environment_id = ANY (envs)
    ORDER BY m.id FOR SHARE OF m;
    PERFORM 1 FROM experiments e
    WHERE (e.status IN ('draft', 'running') OR e.end_at > now() - interval '31 days')
      AND e.environment_id = ANY (envs)
    ORDER BY e.id FOR SHARE OF e;
    RETURN true;
END $$;

CREATE FUNCTION experiment_pending_exposures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT experiment_pending_lock(ARRAY(SELECT DISTINCT environment_id FROM new_rows)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO experiment_pending (experiment_id, kind, occurred_at, targeting_key, variant)
    SELECT e.id, 'e', n.occurred_at, n.targeting_key, n.variant
    FROM new_rows n JOIN experiments e ON e.environment_id = n.environment_id AND e.flag_key = n.flag
    WHERE (e.status = 'running' OR (e.status = 'stopped' AND e.end_at > now() - interval '31 days'))
      AND n.occurred_at >= e.start_at AND (e.end_at IS NULL OR n.occurred_at < e.end_at);
    RETURN NULL;
END $$;

CREATE TRIGGER flag_exposures_pending AFTER INSERT ON flag_exposures REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION experiment_pending_exposures();

-- Conversions of the events a running experiment's metrics read (a numerator or a ratio's denominator), from its
-- start less CUPED's window, each once per experiment.
CREATE FUNCTION experiment_pending_conversions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT experiment_pending_lock(ARRAY(SELECT DISTINCT environment_id FROM new_rows)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO experiment_pending (experiment_id, kind, occurred_at, targeting_key, event, value)
    SELECT e.id, 'c', n.occurred_at, n.targeting_key, n.event, n.value
    FROM new_rows n JOIN experiments e ON e.environment_id = n.environment_id
    WHERE (e.status = 'running' OR (e.status = 'stopped' AND e.end_at > now() - interval '31 days'))
      AND n.occurred_at >= e.start_at - make_interval(secs => coalesce(e.cuped_seconds, 0))
      AND (e.end_at IS NULL OR n.occurred_at < e.end_at)
      AND EXISTS (SELECT 1 FROM experiment_metrics em JOIN metrics m ON m.id = em.metric_id
                  WHERE em.experiment_id = e.id AND (m.event = n.event OR m.denominator_event = n.event));
    RETURN NULL;
END $$;

CREATE TRIGGER conversion_events_pending AFTER INSERT ON conversion_events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION experiment_pending_conversions();
