-- Scheduled changes of a flag in an environment (issue 12, ADR 0114). A row is one change kept exactly as it was
-- asked for, applied once at due_at by whichever control-plane replica claims it first (SELECT ... FOR UPDATE SKIP
-- LOCKED, in the transaction that applies the change), or cancelled, or failed with the reason.
CREATE TABLE flag_schedules (
    id                   bigserial   PRIMARY KEY,
    tenant_id            bigint      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The environment and flag it was made for, by key (what the change names) and by id: no foreign key, so that
    -- deleting either never waits for a schedule's lock nor deletes its history; a schedule whose environment or
    -- flag is gone (or was deleted and created again under the same key: another id) fails, saying so.
    environment_id       bigint      NOT NULL,
    environment_key      text        NOT NULL,
    flag_id              bigint      NOT NULL,
    flag_key             text        NOT NULL,
    due_at               timestamptz NOT NULL,
    -- The change (domain.ProposedChange's stored form). json, never jsonb: jsonb reorders keys, and the order of a
    -- rollout's variants is its bucket order.
    change               json        NOT NULL,
    -- The flag's configuration revision in the environment when it was scheduled.
    base_revision        integer     NOT NULL,
    -- When the flag changed since base_revision: 'fail' (never overwrite a later change) or 'apply' (on top of it).
    if_changed           text        NOT NULL CHECK (if_changed IN ('apply', 'fail')),
    status               text        NOT NULL DEFAULT 'pending'
                                     CHECK (status IN ('pending', 'applied', 'failed', 'cancelled')),
    -- Who scheduled it: the key (null for a session without one) and its name when it did. No foreign key: a key is
    -- never deleted, only revoked, and a revoked key's pending schedules fail at their time.
    created_by_key_id    uuid,
    created_by_name      text        NOT NULL,
    created_request_id   text        NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    -- Applied: when, whether more than schedules.late-after after due_at, and the revision the change made.
    applied_at           timestamptz,
    late                 boolean     NOT NULL DEFAULT false,
    applied_revision     integer,
    -- Failed: when and why.
    failed_at            timestamptz,
    failure              text,
    cancelled_at         timestamptz,
    cancelled_by_key_id  uuid,
    cancelled_by_name    text,
    CHECK ((status = 'applied') = (applied_at IS NOT NULL)),
    CHECK ((status = 'failed') = (failed_at IS NOT NULL AND failure IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
-- The runners' scan: the earliest due pending rows of every tenant.
CREATE INDEX flag_schedules_due ON flag_schedules (due_at, id) WHERE status = 'pending';
-- The listings: a tenant's schedules by due time (the calendar), and a flag's in an environment.
CREATE INDEX flag_schedules_tenant ON flag_schedules (tenant_id, due_at, id);
CREATE INDEX flag_schedules_flag ON flag_schedules (tenant_id, environment_key, flag_key, due_at, id);
