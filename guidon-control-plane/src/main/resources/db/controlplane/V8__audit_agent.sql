-- Who acted for the key (issue 12): null when the key's own request made the change; else the server's agent that
-- applied it later on the key's behalf ('scheduler', 'rollout-plan', 'change-request'), the key being the one that
-- scheduled, started or applied it.
ALTER TABLE audit_log ADD COLUMN agent text;
