-- One-time tokens of the UI's forms whose second post must do nothing (a new API key: a reload or Back + resend
-- must not mint another live key). Shared by every event loop and replica, so whichever answers the second post
-- knows the first. Only the SHA-256 of a token is kept; rows older than a day are deleted with ended sessions.
CREATE TABLE ui_form_tokens (
    token_hash  bytea       PRIMARY KEY,
    used_at     timestamptz NOT NULL DEFAULT now()
);
