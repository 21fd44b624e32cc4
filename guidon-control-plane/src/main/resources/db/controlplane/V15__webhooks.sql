-- Webhooks (issue 14, ADR 0120, docs/webhooks.md). A subscription is a tenant's URL and the events it wants; a
-- delivery is one event for one subscription, written by the transaction that writes the event's audit entry (a
-- transactional outbox: a committed change always has its deliveries, a rolled-back one never); an attempt is one
-- HTTP request of a delivery, kept for the delivery log.
CREATE TABLE webhook_subscriptions (
    id                     bigserial   PRIMARY KEY,
    tenant_id              bigint      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url                    text        NOT NULL,
    description            text        NOT NULL DEFAULT '',
    -- The event types it receives (docs/webhooks.md#event-types); never empty.
    event_types            text[]      NOT NULL CHECK (cardinality(event_types) > 0),
    -- Filters: empty means any. An event without an environment (a flag's definition) passes an environment filter;
    -- an event whose resource has no tags never passes a tag filter.
    environments           text[]      NOT NULL DEFAULT '{}',
    tags                   text[]      NOT NULL DEFAULT '{}',
    enabled                boolean     NOT NULL DEFAULT true,
    -- Why it was disabled by the server (persistent failure, 410 Gone), shown in the API and the UI until enabled.
    disabled_reason        text,
    disabled_at            timestamptz,
    timeout_ms             integer     NOT NULL CHECK (timeout_ms BETWEEN 1000 AND 30000),
    -- The signing secret (whsec_<base64 of 32 random bytes>), and the one it replaced while both sign (rotation).
    secret                 text        NOT NULL,
    previous_secret        text,
    previous_secret_until  timestamptz,
    version                bigint      NOT NULL DEFAULT 1,
    -- The circuit breaker, shared by the replicas: failures in a row, and until when no attempt is made.
    consecutive_failures   integer     NOT NULL DEFAULT 0,
    circuit_open_until     timestamptz,
    -- Since when every attempt failed (null after a success): past webhooks.auto-disable-after it is disabled.
    failing_since          timestamptz,
    last_success_at        timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CHECK ((previous_secret IS NULL) = (previous_secret_until IS NULL))
);
CREATE INDEX webhook_subscriptions_tenant ON webhook_subscriptions (tenant_id, id);

CREATE TABLE webhook_deliveries (
    id               bigserial   PRIMARY KEY,
    subscription_id  bigint      NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    tenant_id        bigint      NOT NULL,
    -- The webhook-id header: the same for every attempt and redelivery of this delivery (an idempotency key).
    message_id       text        NOT NULL UNIQUE,
    event_type       text        NOT NULL,
    -- Deliveries of one subscription with the same key are sent in id order, each after the one before ended
    -- (delivered or failed): a flag's changes arrive in the order they were made.
    ordering_key     text        NOT NULL,
    audit_id         bigint      NOT NULL,
    -- The body exactly as signed and sent (text, byte for byte).
    payload          text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A replica's claim: no other replica sends it before lease_until (then it is due again: at-least-once).
    lease_until      timestamptz,
    leased_by        text,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- The start of the current retry window (created, or redelivered by hand): given up webhooks.give-up-after
    -- after it.
    retry_from       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    failed_at        timestamptz,
    CHECK ((status = 'delivered') = (delivered_at IS NOT NULL)),
    CHECK ((status = 'failed') = (failed_at IS NOT NULL))
);
-- The claim: a subscription's due pending deliveries, earliest first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (subscription_id, next_attempt_at, id)
    WHERE status = 'pending';
-- The order per key: is an earlier one of the same key still pending?
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (subscription_id, ordering_key, id)
    WHERE status = 'pending';
-- The delivery log, newest first; redelivery of the failed ones in a range.
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id DESC);

CREATE TABLE webhook_attempts (
    id               bigserial   PRIMARY KEY,
    delivery_id      bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at               timestamptz NOT NULL DEFAULT now(),
    -- The HTTP status, or null when there was no answer (error says why: timeout, refused, SSRF guard).
    status           integer,
    error            text,
    latency_ms       integer     NOT NULL,
    -- The first 1 KiB of the answer's body (as UTF-8, invalid bytes replaced).
    response         text,
    replica          text        NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
