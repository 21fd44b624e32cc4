package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.EvaluationWindow;
import io.guidon.controlplane.domain.FlagSort;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The read model of the flag list: one page of a tenant's flags, each with its state in every environment and its
 * evaluations in the last 24 hours, read in one snapshot (a read-only REPEATABLE READ transaction), so that the
 * total, the page and the environments' columns agree with each other. SQL and row mapping only.
 *
 * <p>Cost: one scan of the tenant's flags filters, counts and orders them (5,000 rows: a few milliseconds); the
 * latest change and the evaluations, which read other tables, are computed for the page's flags only, unless the
 * page is sorted by them. Evaluations come from {@code flag_daily_totals} (at most a few rows per flag, variant and
 * day), never from the raw per-minute counts ({@link EvaluationWindow} says why).
 */
public final class FlagOverviewRepository {

    /**
     * The flag's own text that a search matches and a row shows, in the order {@link #flag} reads it: its key, its
     * display name ('' when it has none) and its description.
     */
    static final String TEXT = "f.key, f.name, f.description";

    /**
     * $1 tenant, $2 tag (or null), $3 an ILIKE pattern (or null) over the text columns and every tag, read as one
     * string with U+001F between the texts: a pattern cannot span two of them, since a search text may not contain
     * control characters ({@code service.FlagOverviewService} refuses them). One ILIKE per row is four times faster
     * than one per text (an {@code unnest} of the texts per row: 92 ms against 25 ms for 5,000 flags, under load).
     */
    private static final String WHERE = " WHERE f.tenant_id = $1 AND ($2::text IS NULL OR f.tags @> ARRAY[$2::text])"
            + " AND ($3::text IS NULL OR concat_ws(chr(31), " + TEXT + ", array_to_string(f.tags, chr(31))) ILIKE $3)";

    /**
     * Evaluations of the totals rows {@code t} in the window ($5 today, $6 yesterday, $7 yesterday's share): today's
     * whole, yesterday's weighted by its share.
     */
    private static final String ESTIMATE = "round(sum(CASE WHEN t.day = $5 THEN t.evaluations::float8"
            + " ELSE t.evaluations * $7::float8 END))::bigint";
    /** The totals rows of the window in the tenant's environments ($4). */
    private static final String TOTALS = " FROM flag_daily_totals t WHERE t.environment_id = ANY ($4::bigint[])"
            + " AND t.day BETWEEN $6 AND $5";

    /**
     * One snapshot for every statement of a read; and each statement planned for its parameters. A generic plan
     * (which PostgreSQL switches a prepared statement to after five runs) cannot tell "no tag, no search" from a
     * narrow filter: it estimated one matching flag and joined 5,000 flags to the evaluation totals in a nested loop,
     * 3.9 s instead of 80 ms. Planning each time costs about a millisecond.
     */
    private static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;"
            + " SET LOCAL plan_cache_mode = force_custom_plan";
    private static final String ENVIRONMENTS = "SELECT id, key, name FROM environments WHERE tenant_id = $1"
            + " ORDER BY key COLLATE \"C\"";
    private static final String COUNT = "SELECT count(*) FROM flags f" + WHERE;
    private static final String CONFIGS = "SELECT c.flag_id, c.environment_id,"
            + " coalesce((c.config->>'enabled')::boolean, false) AS enabled, c.config->>'offVariant' AS off_variant,"
            + " (c.config->'fallthrough')::text AS fallthrough,"
            + " CASE json_typeof(c.config->'rules') WHEN 'array' THEN json_array_length(c.config->'rules') ELSE 0"
            + " END AS rules,"
            + " (SELECT coalesce(sum(json_array_length(x->'values')), 0) FROM json_array_elements("
            + "CASE json_typeof(c.config->'targets') WHEN 'array' THEN c.config->'targets' ELSE '[]'::json END) AS x"
            + " WHERE json_typeof(x->'values') = 'array')::int AS targets"
            + " FROM flag_configs c WHERE c.flag_id = ANY ($1::bigint[]) AND c.environment_id = ANY ($2::bigint[])";
    private static final String TAGS = "SELECT DISTINCT t.tag COLLATE \"C\" AS tag"
            + " FROM flags f, unnest(f.tags) AS t (tag) WHERE f.tenant_id = $1 ORDER BY 1";

    private final Pool pool;

    public FlagOverviewRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Which flags, in which order, which page.
     *
     * @param tag only flags with exactly this tag; null: any
     * @param pattern an ILIKE pattern ({@link Sql#contains}) matched against key, name, description and each tag; null: any
     * @param page the 0-based page; one past the last page reads the last page instead
     * @param pageSize flags per page, at least 1
     */
    public record Criteria(String tag, String pattern, FlagSort sort, boolean descending, int page, int pageSize) {
    }

    /** An environment of the tenant, a column of the list. */
    public record EnvironmentRow(long id, String key, String name) {
    }

    /**
     * A flag of the page.
     *
     * @param updatedAt the latest of the definition's and its configurations' {@code updated_at}
     * @param evaluations in the window, summed over the tenant's environments
     */
    public record FlagRow(long id, String key, String name, String description, List<String> tags,
            OffsetDateTime updatedAt, long evaluations) {
    }

    /**
     * A page flag's configuration in one environment, reduced to what the list shows.
     *
     * @param fallthrough the configuration's {@code fallthrough} as JSON text (a serve object), or null
     * @param rules how many rules
     * @param targets how many targeting keys its targets list, over all variants
     */
    public record ConfigRow(long flagId, long environmentId, boolean enabled, String offVariant, String fallthrough,
            int rules, int targets) {
    }

    /**
     * What one read saw.
     *
     * @param environments every environment of the tenant, by key
     * @param total how many flags match the criteria
     * @param page the page read: the one asked for, or the last one when that lies beyond it
     * @param flags the page's flags in order
     * @param configs the page's flags' configurations in the environments, in no order
     */
    public record Listing(List<EnvironmentRow> environments, long total, int page, List<FlagRow> flags,
            List<ConfigRow> configs) {
    }

    /** One page of the tenant's flags that match {@code criteria}, with evaluations in {@code window}. */
    public Future<Listing> read(long tenantId, Criteria criteria, EvaluationWindow window) {
        return pool.withTransaction(c -> c.query(SNAPSHOT).execute()
                .compose(x -> Sql.list(c, ENVIRONMENTS, r -> new EnvironmentRow(r.getLong(0), r.getString(1),
                        r.getString(2)), tenantId))
                .compose(envs -> {
                    Long[] envIds = envs.stream().map(EnvironmentRow::id).toArray(Long[]::new);
                    return page(c, tenantId, criteria, window, envIds, criteria.page())
                            .compose(rows -> rows.isEmpty() && criteria.page() > 0
                                    ? lastPage(c, tenantId, criteria, window, envIds)
                                    : Future.succeededFuture(new Counted(rows, criteria.page())))
                            .compose(counted -> counted.rows.isEmpty()
                                    ? Future.succeededFuture(new Listing(envs, 0, 0, List.of(), List.of()))
                                    : Sql.list(c, CONFIGS, FlagOverviewRepository::config,
                                                    counted.rows.stream().map(p -> p.flag.id()).toArray(Long[]::new),
                                                    envIds)
                                            .map(configs -> new Listing(envs, counted.rows.get(0).total,
                                                    counted.page, counted.rows.stream().map(p -> p.flag).toList(),
                                                    configs)));
                }));
    }

    /** A row of the page query: a flag, and how many match in all (the same in every row). */
    private record Paged(FlagRow flag, long total) {
    }

    /** The rows read and the page they are. */
    private record Counted(List<Paged> rows, int page) {
    }

    private static Future<List<Paged>> page(SqlConnection c, long tenantId, Criteria criteria,
            EvaluationWindow window, Long[] envIds, int page) {
        return Sql.list(c, pageSql(criteria.sort(), criteria.descending()),
                r -> new Paged(flag(r), r.getLong("total")), tenantId, criteria.tag(), criteria.pattern(), envIds,
                window.today(), window.yesterday(), window.yesterdayShare(), criteria.pageSize(),
                (long) page * criteria.pageSize());
    }

    /**
     * A page past the end read nothing (and so no total): the count says which page is the last, and that one is
     * read. A rare second trip (a search narrowed while on a later page) instead of a count before every page.
     */
    private static Future<Counted> lastPage(SqlConnection c, long tenantId, Criteria criteria,
            EvaluationWindow window, Long[] envIds) {
        return Sql.one(c, COUNT, r -> r.getLong(0), tenantId, criteria.tag(), criteria.pattern())
                .compose(total -> {
                    if (total == 0) {
                        return Future.succeededFuture(new Counted(List.of(), 0));
                    }
                    int last = (int) ((total - 1) / criteria.pageSize());
                    return page(c, tenantId, criteria, window, envIds, last).map(rows -> new Counted(rows, last));
                });
    }

    /**
     * The page's SQL for one order: $1-$3 the filter ({@link #WHERE}), $4-$7 the tenant's environments and the
     * window ({@link #TOTALS}), $8 the limit, $9 the offset; every row also carries the number of matches. The
     * expensive columns (the latest change, the evaluations) are computed over every match only when the order needs
     * them, else for the page's rows alone.
     */
    static String pageSql(FlagSort sort, boolean descending) {
        // Counted over every match before the limit: the total comes with the page, from the same scan.
        String total = "count(*) OVER () AS total";
        String dir = descending ? " DESC" : " ASC";
        String changed = "greatest(m.updated_at, (SELECT max(c.updated_at) FROM flag_configs c"
                + " WHERE c.flag_id = m.id AND c.environment_id = ANY ($4::bigint[])))";
        String evaluations = "coalesce((SELECT " + ESTIMATE + TOTALS + " AND t.flag = m.key), 0)";
        String matches = switch (sort) {
            case KEY -> "SELECT f.id, " + TEXT + ", f.tags, f.updated_at, " + total + " FROM flags f" + WHERE;
            case UPDATED -> "SELECT f.id, " + TEXT + ", f.tags, greatest(f.updated_at, c.changed) AS updated_at, "
                    + total + " FROM flags f LEFT JOIN (SELECT flag_id, max(updated_at) AS changed FROM flag_configs"
                    + " WHERE environment_id = ANY ($4::bigint[]) GROUP BY flag_id) AS c ON c.flag_id = f.id" + WHERE;
            case EVALUATIONS -> "SELECT f.id, " + TEXT + ", f.tags, f.updated_at, coalesce(e.evaluations, 0)"
                    + " AS evaluations, " + total + " FROM flags f LEFT JOIN (SELECT t.flag, " + ESTIMATE
                    + " AS evaluations" + TOTALS + " GROUP BY t.flag) AS e ON e.flag = f.key" + WHERE;
        };
        String order = switch (sort) {
            case KEY -> " ORDER BY m.key COLLATE \"C\"" + dir;
            case UPDATED -> " ORDER BY m.updated_at" + dir + ", m.key COLLATE \"C\"";
            case EVALUATIONS -> " ORDER BY m.evaluations" + dir + ", m.key COLLATE \"C\"";
        };
        String outerChanged = sort == FlagSort.UPDATED ? "m.updated_at" : changed;
        String outerEvaluations = sort == FlagSort.EVALUATIONS ? "m.evaluations" : evaluations;
        return "SELECT m.id, " + TEXT.replace("f.", "m.") + ", m.tags, " + outerChanged + " AS updated_at, "
                + outerEvaluations + " AS evaluations, m.total FROM (SELECT * FROM (" + matches + ") AS m" + order
                + " LIMIT $8 OFFSET $9) AS m" + order;
    }

    static FlagRow flag(Row r) {
        String[] tags = r.getArrayOfStrings("tags");
        return new FlagRow(r.getLong("id"), r.getString("key"), r.getString("name"), r.getString("description"),
                tags == null ? List.of() : List.of(tags), r.getOffsetDateTime("updated_at"), r.getLong("evaluations"));
    }

    static ConfigRow config(Row r) {
        return new ConfigRow(r.getLong("flag_id"), r.getLong("environment_id"), r.getBoolean("enabled"),
                r.getString("off_variant"), r.getString("fallthrough"), r.getInteger("rules"),
                r.getInteger("targets"));
    }

    /** Every distinct tag of the tenant's flags, by code point. */
    public Future<List<String>> tags(long tenantId) {
        return Sql.list(pool, TAGS, r -> r.getString(0), tenantId);
    }
}
