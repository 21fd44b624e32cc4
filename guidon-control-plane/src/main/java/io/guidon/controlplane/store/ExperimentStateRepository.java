package io.guidon.controlplane.store;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.AnalysisPlan;
import io.guidon.controlplane.domain.ExperimentState;
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
     * Per capped metric (by key) its cap and the corrections of its sums per variant: the percentiles over the
     * analysed users (not mixed, in a compared variant) in one statement, then one pass over the users above any cap.
     */
    public Map<String, ExperimentState.CapCorrection> caps(SqlConnection c, AnalysisPlan plan) {
        List<Integer> capped = new ArrayList<>();
        List<Integer> percentiles = new ArrayList<>();
        for (int i = 0; i < plan.metrics().size(); i++) {
            AnalysisPlan.Metric m = plan.metrics().get(i);
            if (m.kind() != AnalysisPlan.Kind.PROPORTION && m.capKind() != null) {
                capped.add(i);
                if (m.percentileCap()) {
                    percentiles.add(i);
                }
            }
        }
        Map<String, ExperimentState.CapCorrection> out = new LinkedHashMap<>();
        if (capped.isEmpty()) {
            return out;
        }
        String[] variants = plan.variantKeys().toArray(String[]::new);
        Map<Integer, Double> bounds = new HashMap<>();
        if (!percentiles.isEmpty()) {
            // A percentile sorts every analysed user's amount: in memory rather than in temporary files.
            await(c.query("SET LOCAL work_mem = '" + ExperimentAnalysisRepository.ANALYSIS_WORK_MEM + "'").execute());
            StringBuilder s = new StringBuilder("SELECT 1");
            List<Object> args = new ArrayList<>(List.of(plan.id(), variants));
            for (int i : percentiles) {
                args.add(plan.metrics().get(i).capValue());
                s.append(", percentile_cont($").append(args.size()).append("::float8) WITHIN GROUP (ORDER BY x[")
                        .append(i + 1).append("])");
            }
            s.append(" FROM experiment_users WHERE experiment_id = $1 AND NOT mixed AND variant = ANY($2::text[])");
            Row r = await(Sql.one(c, s.toString(), row -> row, args.toArray()));
            for (int k = 0; k < percentiles.size(); k++) {
                bounds.put(percentiles.get(k), r.getDouble(1 + k));
            }
        }
        List<Object> args = new ArrayList<>(List.of(plan.id(), variants));
        StringBuilder s = new StringBuilder("SELECT variant");
        List<String> above = new ArrayList<>();
        List<Integer> corrected = new ArrayList<>();
        for (int i : capped) {
            AnalysisPlan.Metric m = plan.metrics().get(i);
            Double bound = m.fixedCap() ? m.capValue() : bounds.get(i);
            if (bound == null) {
                out.put(m.key(), new ExperimentState.CapCorrection(null, Map.of()));
                continue;
            }
            corrected.add(i);
            args.add(bound);
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
            out.put(m.key(), new ExperimentState.CapCorrection(bound, new LinkedHashMap<>()));
        }
        if (corrected.isEmpty()) {
            return out;
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
