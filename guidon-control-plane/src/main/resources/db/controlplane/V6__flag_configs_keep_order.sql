-- A flag's configuration is kept as the text the server wrote (json), not as jsonb. jsonb reorders an object's keys
-- (shortest first), and the order of a rollout's variants is its bucket order (docs/flag-format.md, "Order"):
-- {"off": 75, "on": 25} came back as {"on": 25, "off": 75}, so the control plane served other buckets than the
-- same flag in a file. Existing rows keep the order jsonb gave them, which is the order sidecars already evaluate:
-- no user changes variant at this upgrade; the next save of a flag keeps the order it is sent in.
ALTER TABLE flag_configs ALTER COLUMN config TYPE json USING config::json;
