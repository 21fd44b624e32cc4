package io.guidon.controlplane.events;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.service.EnvironmentService;
import io.guidon.controlplane.service.FlagService;
import java.time.LocalDate;
import java.util.List;

/**
 * The per-day totals of a flag in one environment, for the admin API's exposure report and the UI's exposures
 * page: the environment and the flag looked up in the caller's tenant, then their {@link DailyTotals}. Sequential
 * code for a virtual thread.
 */
public final class ExposureReports {

    /**
     * The totals of {@code flag} in {@code environment} from {@code from} to {@code to} (UTC days, both included):
     * the days that have any, sorted by day then variant.
     */
    public record Report(FlagDefinition flag, Environment environment, LocalDate from, LocalDate to,
            List<DailyTotals.Day> days) {
    }

    private final DailyTotals totals;
    private final EnvironmentService environments;
    private final FlagService flags;
    private final int maxDays;

    /** @param maxDays the longest range a report may cover, in days ({@code events.max-query-days}) */
    public ExposureReports(DailyTotals totals, EnvironmentService environments, FlagService flags, int maxDays) {
        this.totals = totals;
        this.environments = environments;
        this.flags = flags;
        this.maxDays = maxDays;
    }

    /** The longest range a report may cover, in days. */
    public int maxDays() {
        return maxDays;
    }

    /**
     * The report of {@code flagKey} in {@code envKey}; the caller has checked the range ({@code from} not after
     * {@code to}, at most {@link #maxDays()} days).
     *
     * @throws DomainException NOT_FOUND when the environment or the flag is not the tenant's
     */
    public Report report(long tenantId, String envKey, String flagKey, LocalDate from, LocalDate to) {
        Environment env = environments.get(tenantId, envKey);
        FlagDefinition def = flags.get(tenantId, flagKey);
        return new Report(def, env, from, to, await(totals.daily(env.id(), def.key(), from, to)));
    }
}
