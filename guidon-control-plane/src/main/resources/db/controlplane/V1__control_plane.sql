-- The control plane's schema. Every row carries its tenant; every query of the server filters by it.

CREATE TABLE tenants (
    id          bigserial PRIMARY KEY,
    key         text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE environments (
    id           bigserial PRIMARY KEY,
    tenant_id    bigint      NOT NULL REFERENCES tenants (id),
    key          text        NOT NULL,
    name         text        NOT NULL,
    description  text        NOT NULL DEFAULT '',
    -- The version of the environment's flag document: raised in the transaction of every change to its flags
    -- or segments.
    version      bigint      NOT NULL DEFAULT 1,
    -- The change log holds every version after this one: ?since=V is answered with a delta when V >= log_floor.
    log_floor    bigint      NOT NULL DEFAULT 1,
    -- The revision of the environment resource itself (name, description): its ETag.
    revision     integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key)
);

CREATE TABLE api_keys (
    id              uuid        PRIMARY KEY,
    tenant_id       bigint      NOT NULL REFERENCES tenants (id),
    name            text        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('admin', 'editor', 'viewer', 'sidecar')),
    -- Sidecar keys are bound to exactly one environment; other keys to none.
    environment_id  bigint      REFERENCES environments (id) ON DELETE CASCADE,
    -- The visible part of the key (gdn_<prefix>_<secret>), unique, used to find the row.
    prefix          text        NOT NULL UNIQUE,
    -- SHA-256 of the whole key; the key itself is never stored.
    hash            bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      uuid,
    revoked_at      timestamptz,
    last_used_at    timestamptz,
    CHECK ((role = 'sidecar') = (environment_id IS NOT NULL))
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at, id);

-- A flag's definition, once per tenant.
CREATE TABLE flags (
    id           bigserial PRIMARY KEY,
    tenant_id    bigint      NOT NULL REFERENCES tenants (id),
    key          text        NOT NULL,
    description  text        NOT NULL DEFAULT '',
    tags         text[]      NOT NULL DEFAULT '{}',
    variants     jsonb       NOT NULL,
    metadata     jsonb,
    salt         text,
    revision     integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key)
);
CREATE INDEX flags_tags ON flags USING gin (tags);

-- A flag's configuration in one environment (enabled, offVariant, prerequisites, targets, rules, fallthrough).
CREATE TABLE flag_configs (
    environment_id  bigint      NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    flag_id         bigint      NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
    tenant_id       bigint      NOT NULL REFERENCES tenants (id),
    config          jsonb       NOT NULL,
    revision        integer     NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (environment_id, flag_id)
);
CREATE INDEX flag_configs_flag ON flag_configs (flag_id);

CREATE TABLE segments (
    id              bigserial PRIMARY KEY,
    tenant_id       bigint      NOT NULL REFERENCES tenants (id),
    environment_id  bigint      NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    key             text        NOT NULL,
    description     text        NOT NULL DEFAULT '',
    -- included, excluded, rules
    definition      jsonb       NOT NULL,
    revision        integer     NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (environment_id, key)
);

-- What each version of an environment's document changed, for ?since=V.
CREATE TABLE change_log (
    environment_id  bigint      NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    version         bigint      NOT NULL,
    tenant_id       bigint      NOT NULL REFERENCES tenants (id),
    flags           text[]      NOT NULL,
    segments        text[]      NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (environment_id, version)
);

CREATE TABLE audit_log (
    id               bigserial PRIMARY KEY,
    tenant_id        bigint      NOT NULL REFERENCES tenants (id),
    at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    request_id       text        NOT NULL,
    actor_key_id     uuid,
    actor_name       text        NOT NULL,
    action           text        NOT NULL,
    resource_type    text        NOT NULL,
    resource_key     text        NOT NULL,
    environment_key  text,
    before           jsonb,
    after            jsonb
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id DESC);
CREATE INDEX audit_log_resource ON audit_log (tenant_id, resource_type, resource_key, id DESC);

-- The audit log is append-only: not even the server's own user can change or remove an entry.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
