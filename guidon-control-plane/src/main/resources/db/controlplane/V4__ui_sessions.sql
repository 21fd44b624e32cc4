-- The admin UI's sign-in sessions (ADR 0112). The cookie holds a random token; only its SHA-256 is stored, so a
-- copy of this table signs no one in. A session acts as the identity it was started for: today an API key of the
-- tenant (key_id; the key's revocation ends its sessions at once), later an OIDC subject (key_id null, subject set).
CREATE TABLE ui_sessions (
    token_hash     bytea       PRIMARY KEY,
    tenant_id      bigint      NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key_id         uuid        REFERENCES api_keys (id) ON DELETE CASCADE,
    subject        text,
    actor_name     text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    -- The synchronizer token every state-changing request of this session must carry.
    csrf_token     text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    -- The absolute end (created_at + ui.session-max-age); the idle end is last_seen_at + ui.session-idle-timeout.
    expires_at     timestamptz NOT NULL,
    CHECK (key_id IS NOT NULL OR subject IS NOT NULL)
);
CREATE INDEX ui_sessions_expiry ON ui_sessions (expires_at);
CREATE INDEX ui_sessions_key ON ui_sessions (key_id);
