-- Webhook delivery retention (webhooks.retention, docs/webhooks.md#retention, ADR 0120). Each replica's upkeep
-- deletes finished deliveries (delivered, or failed for good) older than the retention, with their attempts, a
-- bounded chunk at a time; this index finds the oldest finished ones without reading the pending ones or the whole
-- table. The expression is the one the upkeep's statement uses.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries ((coalesce(delivered_at, failed_at)), id)
    WHERE status <> 'pending';
