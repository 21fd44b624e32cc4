-- Keys the control plane itself holds, shared by every replica (the API is stateless: a cursor one replica issued is
-- checked by another). One row per purpose; 'cursors' is the HMAC-SHA256 key that signs the admin API's page cursors
-- (ADR 0122 "Cursors are signed"). The first replica to start inserts a random key (INSERT ... ON CONFLICT DO NOTHING,
-- so concurrent starts keep one); deleting the row makes the next start generate another, and every cursor issued
-- before is then refused with a 400 (a client starts its listing or export again).
CREATE TABLE server_keys (
    name       text PRIMARY KEY,
    key        bytea NOT NULL CHECK (octet_length(key) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
