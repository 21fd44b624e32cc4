package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.AnalysisSums;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one statement of an experiment's analysis, written for its metrics (docs/experiments.md "Results").
 *
 * <p>Attribution, in CTEs: {@code exposed} groups the flag's exposures in the environment within
 * {@code [start_at, min(end_at, asOf))} by targeting key (a hash aggregate): the first exposure, and the variant when
 * the user saw one only ({@code mixed} when {@code min(variant) <> max(variant)}: excluded and counted).
 * {@code events} reads the conversions of every event the metrics name in {@code [start_at − cuped, end)}.
 * {@code per_user} joins them by targeting key (a hash join) and sums per key, with one {@code FILTER} per metric (all
 * metrics in one pass over the conversions), each metric's amount: events at or after the user's first exposure and
 * within the metric's window (and before the end); a ratio's denominator likewise; CUPED's pre-exposure amount in
 * {@code [first − cuped, first)}. Caps apply to each user's amount before summing: {@code LEAST(x, cap)} with the
 * fixed bound, or with {@code percentile_cont} of all analysed users' amounts (the CTE {@code caps}). The last step
 * groups by variant (excluded users in one group of their own) into the sums of {@link AnalysisSums.Sums}.
 */
final class AnalysisQuery {

    private final String sql;
    private final List<Object> args;

    private AnalysisQuery(String sql, List<Object> args) {
        this.sql = sql;
        this.args = args;
    }

    String sql() {
        return sql;
    }

    Object[] args() {
        return args.toArray();
    }

    /** The names of the per-user table's columns after the targeting key, variant and first exposure. */
    static List<String> userColumns(AnalysisPlan plan) {
        List<String> out = new ArrayList<>();
        for (AnalysisPlan.Metric m : plan.metrics()) {
            out.add(m.key());
            if (m.kind() == AnalysisPlan.Kind.RATIO) {
                out.add(m.key() + ".denominator");
            }
            if (cuped(plan, m)) {
                out.add(m.key() + ".pre");
            }
        }
        return out;
    }

    /** Whether {@code m} gets a CUPED covariate: the experiment has a pre-exposure window and {@code m} is no ratio. */
    static boolean cuped(AnalysisPlan plan, AnalysisPlan.Metric m) {
        return plan.cupedSeconds() != null && m.kind() != AnalysisPlan.Kind.RATIO;
    }

    /** The end of what is counted: the experiment's end, or {@code asOf} when earlier. */
    static OffsetDateTime end(AnalysisPlan plan, OffsetDateTime asOf) {
        return plan.endAt() != null && plan.endAt().isBefore(asOf) ? plan.endAt() : asOf;
    }

    /** The per-variant sums (one row per variant, and one with a null variant for the excluded users). */
    static AnalysisQuery sums(AnalysisPlan plan, OffsetDateTime asOf) {
        Builder b = new Builder(plan, asOf);
        StringBuilder select = new StringBuilder("SELECT CASE WHEN mixed THEN NULL ELSE variant END AS arm,"
                + " count(*) AS n");
        for (int i = 0; i < plan.metrics().size(); i++) {
            AnalysisPlan.Metric m = plan.metrics().get(i);
            select.append(", count(*) FILTER (WHERE x").append(i).append(" > 0) AS c").append(i)
                    .append(", coalesce(sum(x").append(i).append("), 0) AS sx").append(i)
                    .append(", coalesce(sum(x").append(i).append(" * x").append(i).append("), 0) AS sxx").append(i);
            if (m.kind() == AnalysisPlan.Kind.RATIO) {
                select.append(", coalesce(sum(y").append(i).append("), 0) AS sy").append(i)
                        .append(", coalesce(sum(y").append(i).append(" * y").append(i).append("), 0) AS syy")
                        .append(i)
                        .append(", coalesce(sum(x").append(i).append(" * y").append(i).append("), 0) AS sxy")
                        .append(i);
            }
            if (cuped(plan, m)) {
                select.append(", coalesce(sum(p").append(i).append("), 0) AS sp").append(i)
                        .append(", coalesce(sum(p").append(i).append(" * p").append(i).append("), 0) AS spp")
                        .append(i)
                        .append(", coalesce(sum(x").append(i).append(" * p").append(i).append("), 0) AS sxp")
                        .append(i);
            }
            select.append(", max(cap").append(i).append(") AS cap").append(i);
        }
        select.append(" FROM capped GROUP BY 1");
        String ctes = b.ctes();
        return new AnalysisQuery(ctes + " " + select, b.args);
    }

    /** The per-user table: the analysed users (in a variant of the experiment, not excluded) with their amounts. */
    static AnalysisQuery users(AnalysisPlan plan, OffsetDateTime asOf) {
        Builder b = new Builder(plan, asOf);
        StringBuilder select = new StringBuilder("SELECT targeting_key, variant, first_at");
        for (int i = 0; i < plan.metrics().size(); i++) {
            AnalysisPlan.Metric m = plan.metrics().get(i);
            select.append(", x").append(i);
            if (m.kind() == AnalysisPlan.Kind.RATIO) {
                select.append(", y").append(i);
            }
            if (cuped(plan, m)) {
                select.append(", p").append(i);
            }
        }
        String ctes = b.ctes();
        select.append(" FROM capped WHERE NOT mixed AND variant = ANY(").append(b.variants()).append(")");
        return new AnalysisQuery(ctes + " " + select, b.args);
    }

    /**
     * The rebuild of an experiment's kept state ({@code experiment_users}, V14): every user exposed in
     * {@code [start, end)} with their uncapped amounts per metric in the plan's order ({@code y} 0 but for a ratio,
     * {@code p} 0 without CUPED), counting events before {@code end}.
     */
    static AnalysisQuery state(AnalysisPlan plan, OffsetDateTime end) {
        Builder b = new Builder(plan, end);
        StringBuilder s = new StringBuilder();
        b.perUser(s);
        StringBuilder x = new StringBuilder();
        StringBuilder y = new StringBuilder();
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < plan.metrics().size(); i++) {
            AnalysisPlan.Metric m = plan.metrics().get(i);
            String sep = i == 0 ? "" : ", ";
            x.append(sep).append("x").append(i);
            y.append(sep).append(m.kind() == AnalysisPlan.Kind.RATIO ? "y" + i : "0");
            p.append(sep).append(cuped(plan, m) ? "p" + i : "0");
        }
        String id = b.p(plan.id());
        String sql = "INSERT INTO experiment_users (experiment_id, targeting_key, first_at, variant, mixed, x, y, p) "
                + s + " SELECT " + id + ", targeting_key, first_at, variant, mixed, ARRAY[" + x + "]::float8[],"
                + " ARRAY[" + y + "]::float8[], ARRAY[" + p + "]::float8[] FROM per_user";
        return new AnalysisQuery(sql, b.args);
    }

    /** Reads the rows of {@link #sums} into the snapshot's sums (variants not in the experiment are left out). */
    AnalysisSums read(RowSet<Row> rows, AnalysisPlan plan) {
        Set<String> variants = new LinkedHashSet<>(plan.variantKeys());
        Map<String, Long> users = new LinkedHashMap<>();
        variants.forEach(v -> users.put(v, 0L));
        Map<String, Map<String, AnalysisSums.Sums>> metrics = new LinkedHashMap<>();
        plan.metrics().forEach(m -> metrics.put(m.key(), new LinkedHashMap<>()));
        long excluded = 0;
        for (Row r : rows) {
            String arm = r.getString("arm");
            long n = r.getLong("n");
            if (arm == null) {
                excluded = n;
                continue;
            }
            if (!variants.contains(arm)) {
                continue;
            }
            users.put(arm, n);
            for (int i = 0; i < plan.metrics().size(); i++) {
                AnalysisPlan.Metric m = plan.metrics().get(i);
                boolean ratio = m.kind() == AnalysisPlan.Kind.RATIO;
                boolean pre = cuped(plan, m);
                metrics.get(m.key()).put(arm, new AnalysisSums.Sums(n, r.getLong("c" + i), r.getDouble("sx" + i),
                        r.getDouble("sxx" + i), ratio ? r.getDouble("sy" + i) : 0, ratio ? r.getDouble("syy" + i) : 0,
                        ratio ? r.getDouble("sxy" + i) : 0, pre ? r.getDouble("sp" + i) : 0,
                        pre ? r.getDouble("spp" + i) : 0, pre ? r.getDouble("sxp" + i) : 0,
                        r.getDouble("cap" + i)));
            }
        }
        return new AnalysisSums(users, excluded, metrics, plan.definitionVersion());
    }

    /** Writes the CTEs shared by both statements, binding every value as a parameter. */
    private static final class Builder {
        final AnalysisPlan plan;
        final List<Object> args = new ArrayList<>();
        private String variants;
        final String tenant;
        final String environment;
        final String start;
        final String end;

        Builder(AnalysisPlan plan, OffsetDateTime asOf) {
            this.plan = plan;
            tenant = p(plan.tenantId());
            environment = p(plan.environmentId());
            start = p(plan.startAt());
            end = p(end(plan, asOf));
        }

        /** The parameter of the compared variants, bound at its first use (PostgreSQL refuses unused ones). */
        String variants() {
            if (variants == null) {
                variants = p(plan.variantKeys().toArray(String[]::new)) + "::text[]";
            }
            return variants;
        }

        String p(Object value) {
            args.add(value);
            return "$" + args.size();
        }

        /** Writes the CTEs up to {@code per_user} (uncapped amounts); whether a metric has a percentile cap. */
        boolean perUser(StringBuilder s) {
            Set<String> events = new LinkedHashSet<>();
            for (AnalysisPlan.Metric m : plan.metrics()) {
                events.add(m.event());
                if (m.denominatorEvent() != null) {
                    events.add(m.denominatorEvent());
                }
            }
            Long cupedSeconds = plan.cupedSeconds();
            String scanFrom = cupedSeconds == null ? start
                    : p(plan.startAt().minus(Duration.ofSeconds(cupedSeconds)));
            String pre = cupedSeconds == null ? null : p(cupedSeconds.doubleValue());
            s.append("WITH exposed AS (SELECT targeting_key, min(occurred_at) AS first_at, min(variant) AS variant,")
                    .append(" min(variant) <> max(variant) AS mixed FROM flag_exposures")
                    .append(" WHERE tenant_id = ").append(tenant).append(" AND environment_id = ").append(environment)
                    .append(" AND flag = ").append(p(plan.flagKey()))
                    .append(" AND occurred_at >= ").append(start).append(" AND occurred_at < ").append(end)
                    .append(" GROUP BY targeting_key)");
            s.append(", events AS (SELECT targeting_key, occurred_at, event, value FROM conversion_events")
                    .append(" WHERE tenant_id = ").append(tenant).append(" AND environment_id = ").append(environment)
                    .append(" AND event = ANY(").append(p(events.toArray(String[]::new))).append("::text[])")
                    .append(" AND occurred_at >= ").append(scanFrom).append(" AND occurred_at < ").append(end)
                    .append(")");
            // Grouped by the targeting key alone (exposed has one row per key; the other columns ride along in
            // min/bool_or): a narrower hash key, about 30 % faster than grouping by all four (benchmarks/RESULTS.md).
            s.append(", per_user AS (SELECT u.targeting_key, min(u.variant) AS variant, min(u.first_at) AS first_at,")
                    .append(" bool_or(u.mixed) AS mixed");
            boolean percentile = false;
            for (int i = 0; i < plan.metrics().size(); i++) {
                AnalysisPlan.Metric m = plan.metrics().get(i);
                String after = "e.occurred_at >= u.first_at" + (m.windowSeconds() == null ? ""
                        : " AND e.occurred_at < u.first_at + make_interval(secs => "
                                + p(m.windowSeconds().doubleValue()) + ")");
                String event = p(m.event());
                s.append(", ").append(amount(m.kind(), m.fromValue(), event, after)).append(" AS x").append(i);
                if (m.kind() == AnalysisPlan.Kind.RATIO) {
                    s.append(", ").append(amount(m.kind(), m.denominatorFromValue(), p(m.denominatorEvent()), after))
                            .append(" AS y").append(i);
                }
                if (cuped(plan, m)) {
                    String before = "e.occurred_at >= u.first_at - make_interval(secs => " + pre + ")"
                            + " AND e.occurred_at < u.first_at";
                    s.append(", ").append(amount(m.kind(), m.fromValue(), event, before)).append(" AS p").append(i);
                }
                percentile |= m.percentileCap() && m.kind() != AnalysisPlan.Kind.PROPORTION;
            }
            s.append(" FROM exposed u LEFT JOIN events e ON e.targeting_key = u.targeting_key")
                    .append(" GROUP BY u.targeting_key)");
            return percentile;
        }

        String ctes() {
            StringBuilder s = new StringBuilder();
            boolean percentile = perUser(s);
            if (percentile) {
                s.append(", caps AS (SELECT 1 AS one");
                for (int i = 0; i < plan.metrics().size(); i++) {
                    AnalysisPlan.Metric m = plan.metrics().get(i);
                    if (m.percentileCap() && m.kind() != AnalysisPlan.Kind.PROPORTION) {
                        s.append(", percentile_cont(").append(p(m.capValue())).append(") WITHIN GROUP (ORDER BY x")
                                .append(i).append(") FILTER (WHERE NOT mixed AND variant = ANY(").append(variants())
                                .append(")) AS cap").append(i);
                    }
                }
                s.append(" FROM per_user)");
            }
            s.append(", capped AS (SELECT targeting_key, variant, first_at, mixed");
            for (int i = 0; i < plan.metrics().size(); i++) {
                AnalysisPlan.Metric m = plan.metrics().get(i);
                String cap = m.kind() == AnalysisPlan.Kind.PROPORTION || m.capKind() == null ? null
                        : m.fixedCap() ? p(m.capValue()) + "::float8" : "caps.cap" + i;
                s.append(", ").append(cap == null ? "x" + i : "least(x" + i + ", " + cap + ")").append(" AS x")
                        .append(i);
                if (m.kind() == AnalysisPlan.Kind.RATIO) {
                    s.append(", y").append(i);
                }
                if (cuped(plan, m)) {
                    s.append(", ").append(cap == null ? "p" + i : "least(p" + i + ", " + cap + ")").append(" AS p")
                            .append(i);
                }
                s.append(", ").append(cap == null ? "NULL::float8" : cap).append(" AS cap").append(i);
            }
            s.append(" FROM per_user").append(percentile ? " CROSS JOIN caps" : "").append(")");
            return s.toString();
        }

        /** A user's amount of one event in a time condition: 0/1 for a proportion, else its count or value sum. */
        private static String amount(AnalysisPlan.Kind kind, boolean fromValue, String event, String when) {
            String filter = " FILTER (WHERE e.event = " + event + " AND " + when + ")";
            if (kind == AnalysisPlan.Kind.PROPORTION) {
                return "(count(*)" + filter + " > 0)::int::float8";
            }
            return fromValue ? "coalesce(sum(e.value)" + filter + ", 0)::float8" : "(count(*)" + filter + ")::float8";
        }
    }
}
