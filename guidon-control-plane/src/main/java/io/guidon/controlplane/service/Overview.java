package io.guidon.controlplane.service;

import io.guidon.controlplane.domain.FlagSort;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One page of the flag list: the tenant's environments (the columns), the page's flags (the rows), and where the
 * page lies in the whole.
 *
 * @param criteria the query as applied (defaults filled in, the page clamped to the last one)
 * @param environments every environment of the tenant, ordered by key; each row has one state per environment, in
 *     this order
 * @param flags the page's flags in the requested order
 * @param total how many flags match {@code q} and {@code tag} in all
 * @param pageCount how many pages of {@code criteria.pageSize()} the matches fill, at least 1 (an empty list is one
 *     empty page), so a page shows "page {@code criteria.page() + 1} of {@code pageCount}"
 */
public record Overview(Criteria criteria, List<EnvironmentColumn> environments, List<FlagRow> flags, long total,
        int pageCount) {

    public Overview {
        environments = List.copyOf(environments);
        flags = List.copyOf(flags);
    }

    /** Whether there is a page before this one. */
    public boolean hasPrevious() {
        return criteria.page() > 0;
    }

    /** Whether there is a page after this one. */
    public boolean hasNext() {
        return criteria.page() + 1 < pageCount;
    }

    /**
     * The query as applied.
     *
     * @param q the search text, trimmed; null when none
     * @param tag the tag filter; null when none
     * @param page 0-based; the one read (the last page when the query asked for one beyond it)
     */
    public record Criteria(String q, String tag, FlagSort sort, boolean descending, int page, int pageSize) {

        /** The query that reads page {@code n} of these criteria (to build next/previous links). */
        public OverviewQuery toQuery(int n) {
            return new OverviewQuery(q, tag, sort.param(), descending ? "desc" : "asc", Integer.toString(n),
                    Integer.toString(pageSize));
        }
    }

    /** An environment: a column of the list. */
    public record EnvironmentColumn(String key, String name) {
    }

    /**
     * A flag: a row of the list.
     *
     * @param name its display name ("" when it has none: show the key)
     * @param updatedAt the latest change of its definition or of its configuration in any environment
     * @param evaluations24h its evaluations in the last 24 hours summed over every environment: today's (UTC) exact
     *     total plus yesterday's weighted by the part of yesterday inside the window (an estimate for that part;
     *     see {@link io.guidon.controlplane.domain.EvaluationWindow})
     * @param environments its state in each environment, in the order of {@link Overview#environments()}
     */
    public record FlagRow(String key, String name, String description, List<String> tags, OffsetDateTime updatedAt,
            long evaluations24h, List<EnvironmentState> environments) {

        public FlagRow {
            tags = List.copyOf(tags);
            environments = List.copyOf(environments);
        }
    }

    /**
     * A flag in one environment: a cell of the list.
     *
     * @param environment the environment's key
     * @param enabled whether the flag is on there
     * @param serves the off variant when off; when on, the fallthrough's variant or rollout
     * @param rules how many targeting rules it has there
     * @param targets how many individual targeting keys its targets list there, over all variants
     * @param configured false only for a flag without a configuration in the environment (the control plane
     *     writes one into every environment; a row written around it would be the only way); then nothing else
     *     is known: off, serving nothing
     */
    public record EnvironmentState(String environment, boolean enabled, Served serves, int rules, int targets,
            boolean configured) {
    }
}
