-- Approvals (issue 12, ADR 0115). An environment may require N approvals: then every change of what it serves is
-- kept as a change request holding the exact change and its hash, approved by other people's editor (or admin)
-- keys, and applied only once N unrevoked approvals of the current hash exist and the environment is still at the
-- versions the request is based on.
ALTER TABLE environments ADD COLUMN required_approvals integer NOT NULL DEFAULT 0
    CHECK (required_approvals BETWEEN 0 AND 10);

CREATE TABLE change_requests (
    id                   bigserial   PRIMARY KEY,
    tenant_id            bigint      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The environment it changes (null for a change of a flag's definition, which every environment serves). By
    -- key: no foreign key, so that deleting an environment never waits for a request nor deletes its history.
    environment_key      text,
    -- The flag or segment it is about, for the listing's filters.
    resource_type        text        NOT NULL,
    resource_key         text        NOT NULL,
    -- The action (domain.ProposedChange's stored form, or a schedule.create / plan.start action). json, never
    -- jsonb: jsonb reorders keys, the order of a rollout's variants is its bucket order, and the hash is of the
    -- text as kept.
    change               json        NOT NULL,
    change_sha256        text        NOT NULL CHECK (change_sha256 ~ '^[0-9a-f]{64}$'),
    -- The document version of each environment it is based on ({"production": 41}): applying needs them unchanged.
    base_versions        json        NOT NULL,
    title                text        NOT NULL,
    description          text        NOT NULL DEFAULT '',
    status               text        NOT NULL DEFAULT 'open'
                                     CHECK (status IN ('open', 'applied', 'withdrawn', 'closed')),
    author_key_id        uuid,
    author_name          text        NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- Applied: when, by whom, the environment version it made; bypass_reason when an admin applied it without the
    -- approvals (audited as change_request.bypass).
    applied_at           timestamptz,
    applied_by_key_id    uuid,
    applied_by_name      text,
    applied_version      bigint,
    bypass_reason        text,
    closed_at            timestamptz,
    closed_by_name       text,
    CHECK ((status = 'applied') = (applied_at IS NOT NULL)),
    CHECK ((status IN ('withdrawn', 'closed')) = (closed_at IS NOT NULL))
);
CREATE INDEX change_requests_tenant ON change_requests (tenant_id, id);
CREATE INDEX change_requests_open ON change_requests (tenant_id, environment_key, resource_key) WHERE status = 'open';

CREATE TABLE change_request_approvals (
    id                   bigserial   PRIMARY KEY,
    request_id           bigint      NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    approver_key_id      uuid        NOT NULL,
    approver_name        text        NOT NULL,
    -- The hash of the change the approver reviewed: an approval counts only while it is the request's.
    approved_sha256      text        NOT NULL,
    approved_at          timestamptz NOT NULL DEFAULT now(),
    -- Withdrawn by the approver, or by an edit or a rebase of the request (which withdraw every approval).
    withdrawn_at         timestamptz
);
-- One live approval per key and request.
CREATE UNIQUE INDEX change_request_approvals_live ON change_request_approvals (request_id, approver_key_id)
    WHERE withdrawn_at IS NULL;

-- A schedule made through an approved change request (schedule.create): its application at the due time runs
-- with that approval.
ALTER TABLE flag_schedules ADD COLUMN change_request_id bigint;
