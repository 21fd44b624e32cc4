package io.guidon.controlplane.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.ControlPlaneMain;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import io.guidon.testing.CliRun;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Migrations on an empty database and on an up-to-date one (through {@code guidon migrate}), and the refusal of a
 * schema newer than this build (by migrate, by the server at start, and by /readyz while running).
 */
class MigrationsIT {

    private static CliRun cli(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "database.url=" + db.url(), "--set", "database.user=" + TestDatabase.USER,
                "--set", "database.password=" + TestDatabase.PASSWORD));
        return CliRun.of(all);
    }

    private static List<String> tables(TestDatabase db) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** The newest migration of this build: not a number written here, which every new migration would change. */
    private static String latest(TestDatabase db) {
        return new Migrations(ControlPlaneConfig.load(null, Map.of(), Harness.settings(db, "guidon-it-mig", Map.of()))
                .config().database()).latestKnown();
    }

    private static void pretendANewerBuildMigrated(TestDatabase db) {
        db.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (99, '999', 'from the future', 'SQL',"
                + " 'V999__from_the_future.sql', 0, 'test', 1, true)");
    }

    @Test
    void migrateCreatesTheSchemaOnAnEmptyDatabaseAndThenHasNothingToDo() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            CliRun first = cli(db, "migrate");
            assertThat(first.exitCode()).as(first.err()).isZero();
            String latest = latest(db);
            assertThat(latest).matches("[0-9]+").isNotEqualTo("1");
            assertThat(first.out()).contains("schema migrated from none to " + latest);
            assertThat(tables(db)).contains("tenants", "environments", "flags", "flag_configs", "segments",
                    "change_log", "audit_log", "api_keys", "flyway_schema_history", "event_batches",
                    "flag_evaluation_counts", "flag_exposures", "conversion_events", "flag_daily_totals");

            CliRun second = cli(db, "migrate");
            assertThat(second.exitCode()).isZero();
            assertThat(second.out()).contains("schema up to date at version " + latest);
        }
    }

    @Test
    void aSchemaNewerThanThisBuildIsRefusedByMigrateAndAtStart() {
        try (TestDatabase db = TestDatabase.create()) {
            assertThat(cli(db, "migrate").exitCode()).isZero();
            pretendANewerBuildMigrated(db);

            CliRun migrate = cli(db, "migrate");
            assertThat(migrate.exitCode()).isEqualTo(1);
            assertThat(migrate.err()).contains("newer than this build").contains("999");

            Map<String, String> s = Harness.settings(db, "guidon-it-mig", Map.of());
            ControlPlaneConfig config = ControlPlaneConfig.load(null, Map.of(), s).config();
            assertThatThrownBy(() -> ControlPlaneMain.start(config))
                    .isInstanceOf(Migrations.SchemaMismatchException.class)
                    .hasMessageContaining("newer than this build");

            List<String> args = new ArrayList<>(List.of("control-plane", "--port", "0"));
            s.forEach((k, v) -> {
                args.add("--set");
                args.add(k + "=" + v);
            });
            CliRun r = CliRun.of(args);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).contains("newer than this build");
        }
    }

    @Test
    void withMigrationAtStartOffASchemaThatIsBehindIsRefused() {
        try (TestDatabase db = TestDatabase.create()) {
            Map<String, String> s = Harness.settings(db, "guidon-it-mig", Map.of("database.migrate-at-start", "false"));
            ControlPlaneConfig config = ControlPlaneConfig.load(null, Map.of(), s).config();

            assertThatThrownBy(() -> ControlPlaneMain.start(config))
                    .isInstanceOf(Migrations.SchemaMismatchException.class)
                    .hasMessageContaining("behind").hasMessageContaining("guidon migrate");
        }
    }

    @Test
    void readinessFailsWhenTheSchemaChangesUnderARunningServer() throws Exception {
        try (Harness cp = Harness.start(Map.of())) {
            assertThat(cp.get("/readyz", null).json().get("schema").asText()).isEqualTo(latest(cp.db));

            pretendANewerBuildMigrated(cp.db);
            Harness.Resp r = cp.get("/readyz", null);

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("reason").asText()).contains("999");
            assertThat(cp.get("/healthz", null).status()).isEqualTo(200);
        }
    }
}
