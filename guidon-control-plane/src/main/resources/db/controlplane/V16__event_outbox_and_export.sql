-- Events out (issue 14, ADR 0122): the outbox of the Kafka sink, and a stable order for the export API.

-- Batches stored while the Kafka sink is enabled, waiting to be published. Written in the transaction that stores
-- the batch (so a stored batch is always published, and a rolled-back one never), deleted in the transaction that
-- confirms Kafka has them all. Rows are read in seq order by one forwarder at a time (an advisory lock), so per
-- key the topics hold events in the order their batches were stored. No foreign keys, as for the event tables.
CREATE TABLE event_outbox (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       bigint      NOT NULL,
    environment_id  bigint      NOT NULL,
    -- The tenant's and environment's keys when the batch was stored: the messages carry them, and an environment
    -- deleted since still has its events published.
    tenant_key      text        NOT NULL,
    environment_key text        NOT NULL,
    batch_id        uuid        NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    events          integer     NOT NULL CHECK (events >= 0),
    -- The stored events of the batch as the protocol's JSON (io.guidon.protocol.events.EventBatch): compressed by
    -- PostgreSQL's TOAST like any large value.
    payload         bytea       NOT NULL
);

-- The position of each event within its batch (0-based, per kind): with the time and the batch id, the unique and
-- stable order of the export API's pages, and the same index the Kafka messages carry (a consumer's dedupe key).
-- Rows stored before this migration are numbered in their physical order within their batch. Ingest always writes
-- it; the default is for rows written by hand (tests, repairs), whose order among equal keys is then unspecified.
ALTER TABLE flag_evaluation_counts ADD COLUMN ordinal integer NOT NULL DEFAULT 0;
ALTER TABLE flag_exposures ADD COLUMN ordinal integer NOT NULL DEFAULT 0;
ALTER TABLE conversion_events ADD COLUMN ordinal integer NOT NULL DEFAULT 0;

UPDATE flag_evaluation_counts t SET ordinal = n.ordinal
FROM (SELECT tableoid, ctid, row_number() OVER (PARTITION BY environment_id, batch_id ORDER BY tableoid, ctid) - 1
          AS ordinal FROM flag_evaluation_counts) n
WHERE t.tableoid = n.tableoid AND t.ctid = n.ctid;
UPDATE flag_exposures t SET ordinal = n.ordinal
FROM (SELECT tableoid, ctid, row_number() OVER (PARTITION BY environment_id, batch_id ORDER BY tableoid, ctid) - 1
          AS ordinal FROM flag_exposures) n
WHERE t.tableoid = n.tableoid AND t.ctid = n.ctid;
UPDATE conversion_events t SET ordinal = n.ordinal
FROM (SELECT tableoid, ctid, row_number() OVER (PARTITION BY environment_id, batch_id ORDER BY tableoid, ctid) - 1
          AS ordinal FROM conversion_events) n
WHERE t.tableoid = n.tableoid AND t.ctid = n.ctid;

-- The export's keyset: an environment's events in time order, ties broken by batch and position. One more index
-- per event table: what an export of any range reads in order, a page at a time, without sorting.
CREATE INDEX flag_evaluation_counts_export ON flag_evaluation_counts (environment_id, minute, batch_id, ordinal);
CREATE INDEX flag_exposures_export ON flag_exposures (environment_id, occurred_at, batch_id, ordinal);
CREATE INDEX conversion_events_export ON conversion_events (environment_id, occurred_at, batch_id, ordinal);
