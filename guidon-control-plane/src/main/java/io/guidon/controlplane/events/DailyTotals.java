package io.guidon.controlplane.events;

import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.List;

/**
 * Per-day totals of a flag in one environment: evaluations (the sum of the sidecars' counts) and exposures, by UTC
 * day and variant. {@link #daily} returns the days from {@code from} to {@code to} (both included) that have any,
 * sorted by day, then variant in byte order. The caller has checked that the environment is the caller's tenant's.
 */
public interface DailyTotals {

    /** One flag's totals on one day for one variant. */
    record Day(LocalDate day, String variant, long evaluations, long exposures) {
    }

    Future<List<Day>> daily(long environmentId, String flag, LocalDate from, LocalDate to);
}
