-- Events from sidecars: evaluation counts, exposures and conversions (ADR 0106 and 0107).
--
-- Every row carries its tenant and environment. There are no foreign keys to environments: events arrive at a
-- high rate (a check per row would cost every insert), an environment may be deleted while its sidecars still
-- send, and deleting an environment must not delete millions of rows inside the admin's transaction. Rows of a
-- deleted environment age out with the retention.

-- One row per batch received: the dedupe. A batch id is stored once per environment; everything of a batch is
-- written in the transaction that inserts this row, so a batch is stored whole or not at all, and once.
CREATE TABLE event_batches (
    tenant_id       bigint      NOT NULL,
    environment_id  bigint      NOT NULL,
    batch_id        uuid        NOT NULL,
    sidecar_id      uuid        NOT NULL,
    -- When the sidecar made the batch (its clock) and when this server stored it (the database's clock).
    created_at      timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    -- Counts + exposures + conversions in the batch.
    events          integer     NOT NULL CHECK (events >= 0),
    PRIMARY KEY (environment_id, batch_id)
);
-- Batch ids older than events.max-event-age are forgotten (a retry of such a batch is refused for its age).
CREATE INDEX event_batches_received ON event_batches (received_at);

-- The raw events, partitioned by month on their time. Partitions are created ahead and dropped after the
-- retention by the server (EventPartitions), named <table>_pYYYYMM; none exist until the server first runs.

-- Evaluations per flag, variant and minute, as each sidecar counted them.
CREATE TABLE flag_evaluation_counts (
    tenant_id       bigint      NOT NULL,
    environment_id  bigint      NOT NULL,
    batch_id        uuid        NOT NULL,
    minute          timestamptz NOT NULL,
    flag            text        NOT NULL,
    variant         text        NOT NULL,
    count           bigint      NOT NULL CHECK (count > 0)
) PARTITION BY RANGE (minute);
CREATE INDEX flag_evaluation_counts_flag ON flag_evaluation_counts (environment_id, flag, minute);

-- The first evaluation of a flag for a targeting key within a sidecar's exposure window: experiment analysis.
CREATE TABLE flag_exposures (
    tenant_id       bigint      NOT NULL,
    environment_id  bigint      NOT NULL,
    batch_id        uuid        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    flag            text        NOT NULL,
    variant         text        NOT NULL,
    targeting_key   text        NOT NULL
) PARTITION BY RANGE (occurred_at);
CREATE INDEX flag_exposures_flag ON flag_exposures (environment_id, flag, occurred_at);

-- Conversions and custom events reported through the sidecar's POST /v1/track.
CREATE TABLE conversion_events (
    tenant_id       bigint           NOT NULL,
    environment_id  bigint           NOT NULL,
    batch_id        uuid             NOT NULL,
    occurred_at     timestamptz      NOT NULL,
    targeting_key   text             NOT NULL,
    event           text             NOT NULL,
    value           double precision
) PARTITION BY RANGE (occurred_at);
CREATE INDEX conversion_events_event ON conversion_events (environment_id, event, occurred_at);

-- Per flag, variant and UTC day: evaluations (the sum of the counts) and exposures, raised in the transaction of
-- each batch. What GET /api/v1/flags/{flag}/exposures and later analytics read (summing over stripe); kept longer
-- than the raw events (events.totals-retention-months).
--
-- A day's totals are spread over up to events.totals-stripes rows (stripe 0..n-1, one picked at random per batch):
-- every batch of an environment updates the rows of the same flags, and one row per flag would make concurrent
-- batches wait for each other's commit. The maintenance folds the stripes of days that are over into stripe 0.
CREATE TABLE flag_daily_totals (
    tenant_id       bigint   NOT NULL,
    environment_id  bigint   NOT NULL,
    flag            text     NOT NULL,
    day             date     NOT NULL,
    variant         text     NOT NULL,
    stripe          smallint NOT NULL DEFAULT 0,
    evaluations     bigint   NOT NULL DEFAULT 0,
    exposures       bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (environment_id, flag, day, variant, stripe)
);
CREATE INDEX flag_daily_totals_day ON flag_daily_totals (day);
-- The rows still to fold.
CREATE INDEX flag_daily_totals_striped ON flag_daily_totals (day) WHERE stripe > 0;
