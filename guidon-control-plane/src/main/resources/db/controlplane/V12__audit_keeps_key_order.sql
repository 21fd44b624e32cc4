-- An audit entry's before and after as json, not jsonb (as flag configurations since V6): jsonb reorders an
-- object's keys (shortest first), and a rollout's variants are in bucket order, so a revert built from a jsonb
-- "before" could serve other users than the configuration it restores. json keeps the text as written.
-- Entries written before this migration keep the order jsonb gave them. The append-only trigger is a row trigger:
-- a type change rewrites the table without firing it.
ALTER TABLE audit_log
    ALTER COLUMN before TYPE json USING before::json,
    ALTER COLUMN after TYPE json USING after::json;
