package io.guidon.controlplane;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes experiments, metrics and raw events straight into their tables (V13, V2) for the results' tests, before the
 * experiments' own API exists on this branch: the rows the API and the event ingest would write.
 */
public final class ExperimentRows {

    private final TestDatabase db;
    private final UUID batch = UUID.randomUUID();

    public ExperimentRows(TestDatabase db) {
        this.db = db;
    }

    /** A tenant; its id. */
    public long tenant(String key) {
        return id("INSERT INTO tenants (key, name) VALUES (?, ?) RETURNING id", key, key);
    }

    /** The id of the tenant {@code key} (made by the bootstrap). */
    public long tenantId(String key) {
        return id("SELECT id FROM tenants WHERE key = ?", key);
    }

    /** The id of the environment {@code key} of tenant {@code tenantId}. */
    public long environmentId(long tenantId, String key) {
        return id("SELECT id FROM environments WHERE tenant_id = ? AND key = ?", tenantId, key);
    }

    /**
     * A metric; its id. {@code denominatorEvent} null for a non-ratio; {@code window} in seconds or null;
     * {@code capKind} null, "fixed" or "percentile".
     */
    public long metric(long tenantId, String key, String kind, String event, String valueSource,
            String denominatorEvent, Long window, boolean higherIsBetter, String capKind, Double capValue) {
        return id("INSERT INTO metrics (tenant_id, key, name, kind, event, value_source, denominator_event,"
                + " denominator_source, window_seconds, direction, cap_kind, cap_value)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", tenantId, key, "Metric " + key, kind,
                event, valueSource, denominatorEvent, denominatorEvent == null ? null : "count", window,
                higherIsBetter ? "higher_is_better" : "lower_is_better", capKind, capValue);
    }

    /** Experiment settings beyond the flag and variants. */
    public record Settings(String method, boolean sequential, double alpha, double power, Double mde,
            String correction, Long cupedSeconds, String status, Instant start, Instant end) {

        public static Settings running(Instant start, Instant end) {
            return new Settings("frequentist", false, 0.05, 0.8, null, "none", null, "running", start, end);
        }

        public Settings cuped(long seconds) {
            return new Settings(method, sequential, alpha, power, mde, correction, seconds, status, start, end);
        }

        public Settings status(String s) {
            return new Settings(method, sequential, alpha, power, mde, correction, cupedSeconds, s, start, end);
        }
    }

    /** An experiment on {@code flag} in environment {@code envId} comparing off (control) and on, 50/50; its id. */
    public long experiment(long tenantId, long envId, String flag, String key, Settings s) {
        return id("INSERT INTO experiments (tenant_id, environment_id, environment_key, flag_id, flag_key, key, name,"
                + " control_variant, variants, method, sequential, alpha, power, minimum_detectable_effect,"
                + " correction, cuped_seconds, status, start_at, end_at, created_by_name)"
                + " VALUES (?, ?, 'production', 1, ?, ?, ?, 'off',"
                + " '[{\"key\": \"off\", \"weight\": 50}, {\"key\": \"on\", \"weight\": 50}]'::json,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test') RETURNING id", tenantId, envId, flag, key, key, s.method(),
                s.sequential(), s.alpha(), s.power(), s.mde(), s.correction(), s.cupedSeconds(), s.status(),
                ts(s.start()), ts(s.end()));
    }

    /** Adds a metric to an experiment in a role at a position. */
    public void attach(long experimentId, long metricId, String role, int position) {
        update("INSERT INTO experiment_metrics (experiment_id, metric_id, role, position) VALUES (?, ?, ?, ?)",
                experimentId, metricId, role, position);
    }

    /** An exposure as the ingest stores it. */
    public void exposure(long tenantId, long envId, Instant at, String flag, String variant, String user) {
        update("INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag, variant,"
                + " targeting_key) VALUES (?, ?, ?, ?, ?, ?, ?)", tenantId, envId, batch, ts(at), flag, variant, user);
    }

    /** A conversion as the ingest stores it ({@code value} null: none sent). */
    public void conversion(long tenantId, long envId, Instant at, String user, String event, Double value) {
        update("INSERT INTO conversion_events (tenant_id, environment_id, batch_id, occurred_at, targeting_key, event,"
                + " value) VALUES (?, ?, ?, ?, ?, ?, ?)", tenantId, envId, batch, ts(at), user, event, value);
    }

    /** Runs an update (test setup). */
    public void update(String sql, Object... args) {
        try (Connection c = db.connect(); PreparedStatement ps = prepare(c, sql, args)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long id(String sql, Object... args) {
        try (Connection c = db.connect(); PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
        return ps;
    }

    private static java.time.OffsetDateTime ts(Instant t) {
        return t == null ? null : t.atOffset(java.time.ZoneOffset.UTC);
    }
}
