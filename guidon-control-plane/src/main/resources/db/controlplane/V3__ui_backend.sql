-- What the admin UI needs of the schema: protected environments, flag display names, and which sidecars fetched
-- each environment's flags.

-- An environment whose changes deserve a second look (production): the UI asks for a typed confirmation naming it
-- before toggling a flag there. The API itself treats it like any other.
ALTER TABLE environments ADD COLUMN protected boolean NOT NULL DEFAULT false;

-- A flag's display name; '' means "show the key".
ALTER TABLE flags ADD COLUMN name text NOT NULL DEFAULT '';

-- The last fetch of GET /api/v1/sidecar/flags by each sidecar (or in-process provider) instance, per environment:
-- the version it holds and when it was first and last seen. Written in batches by the control plane
-- (snapshots.SightingBuffer), never on the request's path. No foreign keys, as for events: rows of a deleted
-- environment are invisible (reads join environments) and age out with the others, and a write never waits for an
-- admin's lock on the environment.
CREATE TABLE sidecar_sightings (
    tenant_id       bigint      NOT NULL,
    environment_id  bigint      NOT NULL,
    -- The Guidon-Instance header, or the client's address when the request had none.
    instance        text        NOT NULL,
    key_id          uuid        NOT NULL,
    key_name        text        NOT NULL,
    user_agent      text        NOT NULL DEFAULT '',
    -- The document version the instance holds after the fetch (served, or confirmed by a 304).
    version         bigint      NOT NULL,
    address         text        NOT NULL,
    first_seen      timestamptz NOT NULL,
    last_seen       timestamptz NOT NULL,
    PRIMARY KEY (environment_id, instance)
);
CREATE INDEX sidecar_sightings_tenant ON sidecar_sightings (tenant_id, last_seen DESC);
-- The pruning of rows not seen for sidecar.sightings-retention.
CREATE INDEX sidecar_sightings_last_seen ON sidecar_sightings (last_seen);
