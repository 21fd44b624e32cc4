package io.guidon.controlplane.db;

import io.guidon.controlplane.ControlPlaneConfig;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's schema migrations (Flyway, SQL files in {@code db/controlplane} on the classpath).
 *
 * <p>Runs over JDBC, so it is only ever called before Vert.x starts serving (or by {@code guidon migrate} and
 * {@code guidon admin bootstrap}), never on an event loop. A database whose schema is newer than the migrations
 * this build knows is refused: running old code against a newer schema could corrupt data it does not understand.
 */
public final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    public static final String LOCATION = "classpath:db/controlplane";
    public static final String HISTORY_TABLE = "flyway_schema_history";

    /** The database's schema is newer than this build, or behind it when migrating is off. */
    public static final class SchemaMismatchException extends RuntimeException {
        public SchemaMismatchException(String message) {
            super(message);
        }
    }

    /** What {@link #migrate()} did: the schema version before and after, and how many migrations ran. */
    public record Outcome(String before, String after, int applied) {
    }

    private final Flyway flyway;

    public Migrations(ControlPlaneConfig.Database db) {
        this.flyway = Flyway.configure()
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .connectRetries(3)
                .connectRetriesInterval(1)
                .load();
    }

    /** Applies pending migrations; refuses a schema newer than this build. */
    public Outcome migrate() {
        refuseNewer();
        MigrationInfo current = flyway.info().current();
        String before = current == null ? "none" : current.getVersion().getVersion();
        MigrateResult result = flyway.migrate();
        String after = latestKnown();
        if (result.migrationsExecuted > 0) {
            LOG.info("database schema migrated from {} to {} ({} migrations)", before, after,
                    result.migrationsExecuted);
        } else {
            LOG.info("database schema is up to date at version {}", after);
        }
        return new Outcome(before, after, result.migrationsExecuted);
    }

    /** Checks, without changing anything, that the schema is exactly the one this build expects. */
    public void requireUpToDate() {
        refuseNewer();
        MigrationInfo[] pending = flyway.info().pending();
        if (pending.length > 0) {
            List<String> versions = new ArrayList<>();
            for (MigrationInfo m : pending) {
                versions.add(m.getVersion().getVersion());
            }
            throw new SchemaMismatchException("the database schema is behind this build: migrations " + versions
                    + " are pending. Run 'guidon migrate' (or set database.migrate-at-start: true).");
        }
    }

    private void refuseNewer() {
        MigrationInfoService info = flyway.info();
        List<String> future = new ArrayList<>();
        for (MigrationInfo m : info.applied()) {
            if (m.getState().isApplied() && m.getState().name().startsWith("FUTURE")) {
                future.add(m.getVersion() == null ? m.getDescription() : m.getVersion().getVersion());
            }
        }
        if (!future.isEmpty()) {
            throw new SchemaMismatchException("the database schema is newer than this build of Guidon: it has "
                    + "migrations " + future + " that this build does not know (it knows up to version "
                    + latestKnown() + "). Run the Guidon version that migrated this database, or a newer one;"
                    + " refusing to start so that old code does not write to a schema it does not understand.");
        }
    }

    /** The newest migration version this build ships. */
    public String latestKnown() {
        String latest = "none";
        for (MigrationInfo m : flyway.info().all()) {
            String state = m.getState().name();
            if (m.getVersion() != null && !state.startsWith("FUTURE") && !state.startsWith("MISSING")) {
                latest = m.getVersion().getVersion();
            }
        }
        return latest;
    }
}
