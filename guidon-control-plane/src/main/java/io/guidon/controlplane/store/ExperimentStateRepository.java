package io.guidon.controlplane.store;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.ExperimentState;
import io.guidon.controlplane.domain.Percentile;
import io.guidon.controlplane.domain.StoredJson;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An experiment's kept state in PostgreSQL (V14: {@code experiment_pending}, {@code experiment_states},
 * {@code experiment_users}; docs/adr/0124-experiment-state.md). SQL and row mapping only, sequential code for a
 * virtual thread; every method runs in the caller's transaction, which must be REPEATABLE READ for a fold (the
 * pending events consumed and the raw conversions read must be of one snapshot) and must hold the experiment's
 * computation lock.
 */
public final class ExperimentStateRepository {

    /**
     * A state as stored: what it was built for, its totals and the time of the latest event it holds (null: none).
     */
    public record Stored(String definition, ExperimentState.Totals totals, OffsetDateTime latestEventAt) {
    }

    /** Events kept pending beyond this are not folded one by one: the state is rebuilt from the raw events. */
    public static final long MAX_PENDING = 2_000_000;

    /**
     * A rebuild's statement timeout: it writes a row per exposed user besides reading every event (5 million users
     * took minutes on a loaded 2-core machine), and happens once per start or definition change, not per request.
     */
    static final String REBUILD_TIMEOUT = "1800s";

    private static final String PLACEHOLDER_END = "9999-01-01T00:00:00Z";

    /** The experiment's stored state, or null. */
    public Stored load(SqlConnection c, long experimentId) {
        return await(Sql.one(c, "SELECT definition, totals::text AS totals, latest_event_at FROM experiment_states"
                + " WHERE experiment_id = $1", r -> new Stored(r.getString("definition"),
                ExperimentState.Totals.fromJson(read(r.getString("totals"))), r.getOffsetDateTime("latest_event_at")),
                experimentId));
    }

    /** How many events wait to be folded. */
    public long pending(SqlConnection c, long experimentId) {
        return await(Sql.one(c, "SELECT count(*) AS n FROM experiment_pending WHERE experiment_id = $1",
                r -> r.getLong("n"), experimentId));
    }

    /** Consumes (deletes) the pending events this transaction sees, returning them. */
    public List<ExperimentState.Event> takePending(SqlConnection c, long experimentId) {
        return await(Sql.list(c, "DELETE FROM experiment_pending WHERE experiment_id = $1"
                + " RETURNING kind = 'e' AS exposure, occurred_at, targeting_key, variant, event, value",
                r -> new ExperimentState.Event(r.getBoolean("exposure"), r.getOffsetDateTime("occurred_at"),
                        r.getString("targeting_key"), r.getString("variant"), r.getString("event"),
                        r.getDouble("value")), experimentId));
    }

    /** The stored users among {@code keys}. */
    public Map<String, ExperimentState.User> users(SqlConnection c, long experimentId, Set<String> keys) {
        Map<String, ExperimentState.User> out = new HashMap<>();
        for (Row r : await(Sql.query(c, "SELECT targeting_key, first_at, variant, mixed, x, y, p FROM experiment_users"
                + " WHERE experiment_id = $1 AND targeting_key = ANY($2::text[])", experimentId,
                keys.toArray(String[]::new)))) {
            out.put(r.getString(0), new ExperimentState.User(r.getString(0), r.getOffsetDateTime(1), r.getString(2),
                    r.getBoolean(3), doubles(r, 4), doubles(r, 5), doubles(r, 6)));
        }
        return out;
    }

    private static double[] doubles(Row r, int column) {
        Double[] boxed = r.getArrayOfDoubles(column);
        double[] out = new double[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            out[i] = boxed[i] == null ? 0 : boxed[i];
        }
        return out;
    }

    /** The raw conversions of {@code keys} that {@code plan}'s metrics read, from the start less CUPED's window. */
    public Map<String, List<ExperimentState.Event>> conversions(SqlConnection c, AnalysisPlan plan, Set<String> keys) {
        Map<String, List<ExperimentState.Event>> out = new HashMap<>();
        OffsetDateTime from = plan.cupedSeconds() == null ? plan.startAt()
                : plan.startAt().minus(Duration.ofSeconds(plan.cupedSeconds()));
        for (Row r : await(Sql.query(c, "SELECT targeting_key, occurred_at, event, value FROM conversion_events"
                + " WHERE environment_id = $1 AND targeting_key = ANY($2::text[]) AND event = ANY($3::text[])"
                + " AND occurred_at >= $4 AND occurred_at < $5", plan.environmentId(), keys.toArray(String[]::new),
                events(plan), from, end(plan)))) {
            out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(ExperimentState.Event.conversion(
                    r.getOffsetDateTime(1), r.getString(0), r.getString(2), r.getDouble(3)));
        }
        return out;
    }

    private static String[] events(AnalysisPlan plan) {
        List<String> events = new ArrayList<>();
        for (AnalysisPlan.Metric m : plan.metrics()) {
            events.add(m.event());
            if (m.denominatorEvent() != null) {
                events.add(m.denominatorEvent());
            }
        }
        return events.stream().distinct().toArray(String[]::new);
    }

    private static OffsetDateTime end(AnalysisPlan plan) {
        return plan.endAt() != null ? plan.endAt() : OffsetDateTime.parse(PLACEHOLDER_END);
    }

    /** Writes users (inserted or replacing the stored ones). */
    public void write(SqlConnection c, long experimentId, List<ExperimentState.User> users) {
        int chunk = 10_000;
        for (int from = 0; from < users.size(); from += chunk) {
            List<ExperimentState.User> part = users.subList(from, Math.min(users.size(), from + chunk));
            int n = part.size();
            String[] keys = new String[n];
            OffsetDateTime[] firsts = new OffsetDateTime[n];
            String[] variants = new String[n];
            Boolean[] mixed = new Boolean[n];
            String[] x = new String[n];
            String[] y = new String[n];
            String[] p = new String[n];
            for (int i = 0; i < n; i++) {
                ExperimentState.User u = part.get(i);
                keys[i] = u.key();
                firsts[i] = u.firstAt().withOffsetSameInstant(ZoneOffset.UTC);
                variants[i] = u.variant();
                mixed[i] = u.mixed();
                x[i] = literal(u.x());
                y[i] = literal(u.y());
                p[i] = literal(u.p());
            }
            await(Sql.query(c, "INSERT INTO experiment_users (experiment_id, targeting_key, first_at, variant, mixed,"
                    + " x, y, p) SELECT $1, u.k, u.f, u.v, u.m, u.x::float8[], u.y::float8[], u.p::float8[]"
                    + " FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::bool[], $6::text[], $7::text[],"
                    + " $8::text[]) AS u (k, f, v, m, x, y, p)"
                    + " ON CONFLICT (experiment_id, targeting_key) DO UPDATE SET first_at = excluded.first_at,"
                    + " variant = excluded.variant, mixed = excluded.mixed, x = excluded.x, y = excluded.y,"
                    + " p = excluded.p", experimentId, keys, firsts, variants, mixed, x, y, p));
        }
    }

    /** A float8[] literal that reads back to the same doubles ({@link Double#toString} round-trips). */
    private static String literal(double[] values) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(values[i]);
        }
        return b.append('}').toString();
    }

    /**
     * Stores the state's definition, totals and latest event (the time of this fold; after a rebuild, of the
     * build).
     */
    public void save(SqlConnection c, long experimentId, String definition, ExperimentState.Totals totals,
            OffsetDateTime latestEventAt, boolean rebuilt) {
        await(Sql.query(c, "INSERT INTO experiment_states (experiment_id, definition, totals, latest_event_at)"
                + " VALUES ($1, $2, $3::text::jsonb, $4) ON CONFLICT (experiment_id) DO UPDATE SET"
                + " definition = excluded.definition, totals = excluded.totals, folded_at = now(),"
                + " latest_event_at = excluded.latest_event_at" + (rebuilt ? ", built_at = now()" : ""), experimentId,
                definition, totals.toJson().toString(), latestEventAt));
    }

    /**
     * The time of the latest event a rebuild of {@code plan}'s state reads (its flag's exposures from the start, its
     * metrics' events from the start less CUPED's window, before the end), or null; each a backward scan of an
     * index.
     */
    public OffsetDateTime latestEvent(SqlConnection c, AnalysisPlan plan) {
        OffsetDateTime from = plan.cupedSeconds() == null ? plan.startAt()
                : plan.startAt().minus(Duration.ofSeconds(plan.cupedSeconds()));
        OffsetDateTime latest = await(Sql.one(c, "SELECT max(occurred_at) AS t FROM flag_exposures"
                + " WHERE environment_id = $1 AND flag = $2 AND occurred_at >= $3 AND occurred_at < $4",
                r -> r.getOffsetDateTime("t"), plan.environmentId(), plan.flagKey(), plan.startAt(), end(plan)));
        for (String event : events(plan)) {
            OffsetDateTime t = await(Sql.one(c, "SELECT max(occurred_at) AS t FROM conversion_events"
                    + " WHERE environment_id = $1 AND event = $2 AND occurred_at >= $3 AND occurred_at < $4",
                    r -> r.getOffsetDateTime("t"), plan.environmentId(), event, from, end(plan)));
            if (t != null && (latest == null || t.isAfter(latest))) {
                latest = t;
            }
        }
        return latest;
    }

    /**
     * Rebuilds the experiment's users from the raw events (the statement of {@link AnalysisQuery#state}), drops the
     * pending events this snapshot sees (the raw events hold them), and returns the totals over the users.
     */
    public ExperimentState.Totals rebuild(SqlConnection c, AnalysisPlan plan) {
        await(c.query("SET LOCAL statement_timeout = '" + REBUILD_TIMEOUT + "'").execute());
        await(c.query("SET LOCAL work_mem = '" + ExperimentAnalysisRepository.ANALYSIS_WORK_MEM + "'").execute());
        await(Sql.query(c, "DELETE FROM experiment_users WHERE experiment_id = $1", plan.id()));
        await(Sql.query(c, "DELETE FROM experiment_pending WHERE experiment_id = $1", plan.id()));
        AnalysisQuery q = AnalysisQuery.state(plan, end(plan));
        await(c.preparedQuery(q.sql()).execute(Tuple.from(q.args())));
        return totals(c, plan);
    }

    /** The totals over the stored users, by the database (after a rebuild; and what tests compare a fold with). */
    public ExperimentState.Totals totals(SqlConnection c, AnalysisPlan plan) {
        int metrics = plan.metrics().size();
        StringBuilder s = new StringBuilder("SELECT CASE WHEN mixed THEN NULL ELSE variant END AS arm, count(*) AS n");
        for (int i = 1; i <= metrics; i++) {
            String x = "x[" + i + "]";
            String y = "y[" + i + "]";
            String p = "p[" + i + "]";
            s.append(", count(*) FILTER (WHERE ").append(x).append(" > 0)");
            for (String sum : new String[] {x, x + " * " + x, y, y + " * " + y, x + " * " + y, p, p + " * " + p,
                    x + " * " + p}) {
                s.append(", coalesce(sum(").append(sum).append("), 0)");
            }
        }
        s.append(" FROM experiment_users WHERE experiment_id = $1 GROUP BY 1");
        ExperimentState.Totals t = new ExperimentState.Totals();
        for (Row r : await(Sql.query(c, s.toString(), plan.id()))) {
            String arm = r.getString(0);
            long n = r.getLong(1);
            if (arm == null) {
                t.excluded(n);
                continue;
            }
            long[] converters = new long[metrics];
            double[][] sums = new double[metrics][8];
            for (int i = 0; i < metrics; i++) {
                int base = 2 + i * 9;
                converters[i] = r.getLong(base);
                for (int k = 0; k < 8; k++) {
                    sums[i][k] = r.getDouble(base + 1 + k);
                }
            }
            t.put(arm, n, converters, sums);
        }
        return t;
    }

    /**
     * Per capped metric (by key) its cap and the corrections of its sums per variant, over the analysed users (not
     * mixed, in a compared variant). {@code totals} must be the totals of the stored users (after this transaction's
     * fold or rebuild): their counts of users and of users with an amount above zero place a percentile's ranks.
     *
     * <p>A percentile cap is {@code percentile_cont}'s value over all analysed users' amounts, found without sorting
     * them all ({@link Percentile}): the zeros (most users: those who never did the metric's event) are a block whose
     * size the counts give, so only the order statistics at the two ranks are read, from the positive (or negative)
     * amounts by a bounded sort ({@code ORDER BY .. LIMIT}: a heap of the ranks from the nearer end, not a sort of
     * millions). Then what capping changes: when the ranks are among the largest {@link #TOP_ROWS} positive amounts
     * and the metric has no CUPED amount, every user above the cap is among those rows, so they are read in that
     * same statement and corrected here (one scan for the metric, no second pass); otherwise, and for fixed caps, one
     * pass over the users above any cap. docs/adr/0124-experiment-state.md "Caps at read", with the timings.
     */
    public Map<String, ExperimentState.CapCorrection> caps(SqlConnection c, AnalysisPlan plan,
            ExperimentState.Totals totals) {
        List<Integer> capped = new ArrayList<>();
        for (int i = 0; i < plan.metrics().size(); i++) {
            AnalysisPlan.Metric m = plan.metrics().get(i);
            if (m.kind() != AnalysisPlan.Kind.PROPORTION && m.capKind() != null) {
                capped.add(i);
            }
        }
        Map<String, ExperimentState.CapCorrection> out = new LinkedHashMap<>();
        if (capped.isEmpty()) {
            return out;
        }
        String[] variants = plan.variantKeys().toArray(String[]::new);
        long n = 0;
        for (String v : variants) {
            n += totals.users(v);
        }
        // Metrics (plan index) whose corrections the pass over the users above their bound computes.
        Map<Integer, Double> pass = new LinkedHashMap<>();
        boolean memory = false;
        for (int i : capped) {
            AnalysisPlan.Metric m = plan.metrics().get(i);
            if (m.fixedCap()) {
                pass.put(i, m.capValue());
                out.put(m.key(), new ExperimentState.CapCorrection(m.capValue(), new LinkedHashMap<>()));
                continue;
            }
            if (n == 0) {
                // percentile_cont over no rows is null: no cap, nothing to correct.
                out.put(m.key(), new ExperimentState.CapCorrection(null, Map.of()));
                continue;
            }
            if (!memory) {
                // The bounded sorts' heaps (and the fallback's sort) in memory rather than in temporary files.
                await(c.query("SET LOCAL work_mem = '" + ExperimentAnalysisRepository.ANALYSIS_WORK_MEM + "'")
                        .execute());
                memory = true;
            }
            long positives = 0;
            for (String v : variants) {
                positives += totals.converters(v, i);
            }
            Percentile q = Percentile.of(m.capValue(), n);
            ExperimentState.CapCorrection fromTop = null;
            if (q.positive(q.lo(), positives) && !AnalysisQuery.cuped(plan, m) && q.fromTop(q.lo()) < TOP_ROWS) {
                fromTop = fromTop(c, plan, i, q, variants);
            }
            if (fromTop != null) {
                out.put(m.key(), fromTop);
            } else {
                double bound = percentile(c, plan, i, q, positives, variants);
                pass.put(i, bound);
                out.put(m.key(), new ExperimentState.CapCorrection(bound, new LinkedHashMap<>()));
            }
        }
        if (pass.isEmpty()) {
            return out;
        }
        List<Object> args = new ArrayList<>(List.of(plan.id(), variants));
        StringBuilder s = new StringBuilder("SELECT variant");
        List<String> above = new ArrayList<>();
        List<Integer> corrected = new ArrayList<>(pass.keySet());
        for (int i : corrected) {
            args.add(pass.get(i));
            String b = "$" + args.size() + "::float8";
            String x = "x[" + (i + 1) + "]";
            String y = "y[" + (i + 1) + "]";
            String p = "p[" + (i + 1) + "]";
            String cx = "least(" + x + ", " + b + ")";
            String cp = "least(" + p + ", " + b + ")";
            String when = "(" + x + " > " + b + " OR " + p + " > " + b + ")";
            above.add(when);
            String[] deltas = {cx + " - " + x, cx + " * " + cx + " - " + x + " * " + x, "0", "0",
                    "(" + cx + " - " + x + ") * " + y, cp + " - " + p, cp + " * " + cp + " - " + p + " * " + p,
                    cx + " * " + cp + " - " + x + " * " + p,
                    "(" + cx + " > 0)::int - (" + x + " > 0)::int"};
            for (String d : deltas) {
                s.append(", coalesce(sum(").append(d).append(") FILTER (WHERE ").append(when).append("), 0)::float8");
            }
        }
        s.append(" FROM experiment_users WHERE experiment_id = $1 AND NOT mixed AND variant = ANY($2::text[]) AND (")
                .append(String.join(" OR ", above)).append(") GROUP BY variant");
        RowSet<Row> rows = await(Sql.query(c, s.toString(), args.toArray()));
        for (Row r : rows) {
            for (int k = 0; k < corrected.size(); k++) {
                double[] d = new double[ExperimentState.CORRECTION_WIDTH];
                for (int j = 0; j < d.length; j++) {
                    d[j] = r.getDouble(1 + k * d.length + j);
                }
                out.get(plan.metrics().get(corrected.get(k)).key()).deltas().put(r.getString(0), d);
            }
        }
        return out;
    }

    /**
     * The most rows a percentile cap's users above it are read from (the largest amounts, down to the lower rank):
     * 50,000 for the 99th percentile of 5 million users. Beyond, the pass over the users above the cap is cheaper
     * than sending them.
     */
    static final long TOP_ROWS = 200_000;

    /** The analysed users of the experiment, in SQL over {@code experiment_users} ($1 the id, $2 the variants). */
    private static final String ANALYSED = " FROM experiment_users WHERE experiment_id = $1 AND NOT mixed"
            + " AND variant = ANY($2::text[])";

    /**
     * Metric {@code i}'s percentile cap and its corrections from the users with the largest amounts, down to the
     * lower rank (all positive): every user above the cap is among them, since the cap is at least the value at the
     * lower rank. Null when fewer rows come back than the totals count (the general way then decides).
     */
    private static ExperimentState.CapCorrection fromTop(SqlConnection c, AnalysisPlan plan, int i, Percentile q,
            String[] variants) {
        String x = "x[" + (i + 1) + "]";
        long rows = q.fromTop(q.lo()) + 1;
        List<double[]> top = new ArrayList<>();
        List<String> arms = new ArrayList<>();
        for (Row r : await(Sql.query(c, "SELECT variant, " + x + ", y[" + (i + 1) + "], p[" + (i + 1) + "]" + ANALYSED
                + " AND " + x + " > 0 ORDER BY " + x + " DESC LIMIT $3", plan.id(), variants, rows))) {
            arms.add(r.getString(0));
            top.add(new double[] {r.getDouble(1), r.getDouble(2), r.getDouble(3)});
        }
        if (top.size() < rows) {
            return null;
        }
        double bound = q.value(top.get((int) q.fromTop(q.lo()))[0], top.get((int) q.fromTop(q.hi()))[0]);
        Map<String, double[]> deltas = new LinkedHashMap<>();
        for (int k = 0; k < top.size(); k++) {
            double[] u = top.get(k);
            if (u[0] > bound || u[2] > bound) {
                correct(deltas.computeIfAbsent(arms.get(k), a -> new double[ExperimentState.CORRECTION_WIDTH]), u[0],
                        u[1], u[2], bound);
            }
        }
        return new ExperimentState.CapCorrection(bound, deltas);
    }

    /**
     * Adds what capping at {@code b} changes for one user with amounts {@code x}, {@code y}, {@code p} to {@code d}:
     * the terms of the pass's SQL, in the same double arithmetic ({@code least} keeps the first when equal).
     */
    static void correct(double[] d, double x, double y, double p, double b) {
        double cx = b < x ? b : x;
        double cp = b < p ? b : p;
        d[0] += cx - x;
        d[1] += cx * cx - x * x;
        d[4] += (cx - x) * y;
        d[5] += cp - p;
        d[6] += cp * cp - p * p;
        d[7] += cx * cp - x * p;
        d[8] += (cx > 0 ? 1 : 0) - (x > 0 ? 1 : 0);
    }

    /**
     * Metric {@code i}'s percentile over the analysed users from the values at its two ranks: read from the block
     * of positive or negative amounts they fall in (the negatives counted only when a rank is below the positives),
     * or 0 in the zeros' block. Falls back to {@code percentile_cont} when the rows are fewer than the counts say.
     */
    private static double percentile(SqlConnection c, AnalysisPlan plan, int i, Percentile q, long positives,
            String[] variants) {
        long negatives = q.positive(q.lo(), positives) ? 0
                : await(Sql.one(c, "SELECT count(*)" + ANALYSED + " AND x[" + (i + 1) + "] < 0", r -> r.getLong(0),
                        plan.id(), variants));
        Percentile.Region low = q.region(q.lo(), negatives, positives);
        Percentile.Region high = q.region(q.hi(), negatives, positives);
        double[] at;
        if (low == high) {
            at = block(c, plan, i, q, variants, low, q.lo(), (int) (q.hi() - q.lo() + 1), negatives, positives);
        } else {
            double[] a = block(c, plan, i, q, variants, low, q.lo(), 1, negatives, positives);
            double[] b = block(c, plan, i, q, variants, high, q.hi(), 1, negatives, positives);
            at = a == null || b == null ? null : new double[] {a[0], b[0]};
        }
        if (at == null) {
            return await(Sql.one(c, "SELECT percentile_cont($3::float8) WITHIN GROUP (ORDER BY x[" + (i + 1) + "])"
                    + ANALYSED, r -> r.getDouble(0), plan.id(), variants, plan.metrics().get(i).capValue()));
        }
        return q.value(at[0], at[at.length - 1]);
    }

    /**
     * The values at ranks {@code rank} to {@code rank + count − 1} of all analysed amounts (ascending), all in block
     * {@code region}: a bounded sort of that block's amounts from its nearer end. Null when the rows are fewer.
     */
    private static double[] block(SqlConnection c, AnalysisPlan plan, int i, Percentile q, String[] variants,
            Percentile.Region region, long rank, int count, long negatives, long positives) {
        if (region == Percentile.Region.ZERO) {
            return new double[count];
        }
        boolean positive = region == Percentile.Region.POSITIVE;
        long size = positive ? positives : negatives;
        long first = positive ? rank - (q.n() - positives) : rank;
        boolean ascending = first <= size - (first + count);
        long offset = ascending ? first : size - (first + count);
        String x = "x[" + (i + 1) + "]";
        List<Double> values = await(Sql.list(c, "SELECT " + x + ANALYSED + " AND " + x + (positive ? " > 0" : " < 0")
                + " ORDER BY " + x + (ascending ? " ASC" : " DESC") + " OFFSET $3 LIMIT $4", r -> r.getDouble(0),
                plan.id(), variants, offset, count));
        if (values.size() < count) {
            return null;
        }
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            out[k] = values.get(ascending ? k : count - 1 - k);
        }
        return out;
    }

    /**
     * Removes the kept state of one experiment that no longer exists (no foreign key: a deleted experiment's millions
     * of users are not removed in the admin's transaction), at most {@code limit} users at a time, and the pending
     * events of experiments that no longer exist; how many rows it removed (0: nothing left to remove).
     */
    public long sweep(SqlConnection c, int limit) {
        Long gone = await(Sql.one(c, "SELECT s.experiment_id FROM experiment_states s WHERE NOT EXISTS"
                + " (SELECT 1 FROM experiments e WHERE e.id = s.experiment_id) LIMIT 1", r -> r.getLong(0)));
        long removed = await(Sql.query(c, "DELETE FROM experiment_pending p WHERE NOT EXISTS"
                + " (SELECT 1 FROM experiments e WHERE e.id = p.experiment_id)")).rowCount();
        if (gone != null) {
            int users = await(Sql.query(c, "DELETE FROM experiment_users WHERE experiment_id = $1 AND targeting_key IN"
                    + " (SELECT targeting_key FROM experiment_users WHERE experiment_id = $1 LIMIT $2)", gone, limit))
                    .rowCount();
            removed += users;
            if (users < limit) {
                removed += await(Sql.query(c, "DELETE FROM experiment_states WHERE experiment_id = $1", gone))
                        .rowCount();
            }
        }
        return removed;
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return StoredJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored JSON column does not parse", e);
        }
    }
}
