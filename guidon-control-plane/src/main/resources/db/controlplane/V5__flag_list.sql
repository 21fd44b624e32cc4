-- The flag list of the admin UI (service.FlagOverviewService).
--
-- Sorted by evaluations in the last 24 hours, the list sums today's and yesterday's totals of every flag of the
-- tenant's environments. Without this index that read either scans the table (all tenants, every day kept: 340 ms
-- for a 5,000-flag tenant on a table of 3 million rows) or every tenant's rows of those two days through
-- flag_daily_totals_day; with it, only the tenant's environments' two days (80 ms; benchmarks/RESULTS.md). Its
-- columns never change once a row exists, so the batches' upserts of the totals stay HOT updates; a new row (a
-- flag, variant, day and stripe seen for the first time) costs one more index entry.
CREATE INDEX flag_daily_totals_environment_day ON flag_daily_totals (environment_id, day);
