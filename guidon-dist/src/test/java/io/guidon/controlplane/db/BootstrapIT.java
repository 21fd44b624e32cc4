package io.guidon.controlplane.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.TestDatabase;
import io.guidon.controlplane.auth.ApiKeys;
import io.guidon.testing.CliRun;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code guidon admin bootstrap}: migrates an empty database, creates the tenant and prints its admin key once. */
class BootstrapIT {

    private static CliRun bootstrap(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of("admin", "bootstrap"));
        all.addAll(List.of(args));
        all.addAll(List.of("--set", "database.url=" + db.url(), "--set", "database.user=" + TestDatabase.USER,
                "--set", "database.password=" + TestDatabase.PASSWORD));
        return CliRun.of(all);
    }

    @Test
    void bootstrapMigratesCreatesTheTenantAndPrintsAnAdminKeyThatIsStoredOnlyAsAHash() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            CliRun r = bootstrap(db, "--tenant", "acme", "--name", "ACME Corp");

            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("Created tenant 'acme'").contains("shown only this once");
            String[] lines = r.out().trim().split("\n");
            String key = lines[lines.length - 1].trim();
            assertThat(key).matches("gdn_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");
            try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT k.role, k.prefix, k.hash, t.name, k.environment_id FROM api_keys k"
                            + " JOIN tenants t ON t.id = k.tenant_id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("role")).isEqualTo("admin");
                assertThat(key).startsWith("gdn_" + rs.getString("prefix") + "_");
                assertThat(rs.getBytes("hash")).isEqualTo(ApiKeys.hash(key));
                assertThat(rs.getString("name")).isEqualTo("ACME Corp");
                assertThat(rs.next()).isFalse();
            }
            // The secret appears nowhere in the database.
            try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM audit_log WHERE after::text LIKE '%" + key.substring(17) + "%'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    /** As a person runs it: a real process, whose logs go to the same terminal as the key. */
    @Test
    void theKeyIsWithinTheFirstLinesOfTheOutputWithNoFlywayInfoLine() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            for (List<String> command : List.of(List.of("migrate"), List.of("admin", "bootstrap", "--tenant", "acme"))) {
                List<String> all = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-jar",
                        "target/guidon.jar"));
                all.addAll(command);
                all.addAll(List.of("--set", "database.url=" + db.url(), "--set", "database.user=" + TestDatabase.USER));
                ProcessBuilder pb = new ProcessBuilder(all).redirectErrorStream(true);
                pb.environment().put("GUIDON_DATABASE_PASSWORD", TestDatabase.PASSWORD);
                Process p = pb.start();
                String output = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(output).isZero();
                List<String> lines = List.of(output.split("\n"));
                assertThat(lines).as(output).noneMatch(l -> l.contains("org.flywaydb") && l.contains("\"INFO\""));
                if (command.get(0).equals("admin")) {
                    int at = 0;
                    while (at < lines.size() && !lines.get(at).startsWith("gdn_")) {
                        at++;
                    }
                    assertThat(at).as("the line of the key in:\n" + output).isLessThan(8);
                }
            }
        }
    }

    @Test
    void anExistingTenantOrAnInvalidKeyIsRefused() {
        try (TestDatabase db = TestDatabase.create()) {
            assertThat(bootstrap(db, "--tenant", "acme").exitCode()).isZero();

            CliRun again = bootstrap(db, "--tenant", "acme");
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("tenant 'acme' already exists");

            CliRun invalid = bootstrap(db, "--tenant", "Not Valid");
            assertThat(invalid.exitCode()).isEqualTo(2);
            assertThat(invalid.err()).contains("invalid tenant key");
        }
    }
}
