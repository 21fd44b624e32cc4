package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The monthly partitions of the event tables with a tiny retention (1 month, events accepted for a day): made ahead
 * at start, old ones dropped while the day totals keep their days (until their own retention), old batch ids
 * forgotten, a missing partition made again when a batch needs it, and two replicas maintaining at the same time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventPartitionsIT {

    static final List<String> TABLES = List.of("flag_evaluation_counts", "flag_exposures", "conversion_events");

    Harness cp;
    String admin;
    String sidecar;
    final YearMonth current = YearMonth.now(ZoneOffset.UTC);

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(settings());
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/flags", admin, Map.of("key", "f", "variants", Map.of("on", true, "off", false)));
        sidecar = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
    }

    static Map<String, String> settings() {
        return Map.of("events.retention-months", "1", "events.max-event-age", "1d", "events.partitions-ahead", "2",
                "events.totals-retention-months", "120");
    }

    @AfterAll
    void stop() {
        cp.close();
    }

    TreeSet<String> partitions() {
        return new TreeSet<>(strings("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent IN ('flag_evaluation_counts'::regclass, 'flag_exposures'::regclass,"
                + " 'conversion_events'::regclass)"));
    }

    List<String> strings(String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = cp.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static String name(String table, YearMonth m) {
        return String.format("%s_p%04d%02d", table, m.getYear(), m.getMonthValue());
    }

    static String start(YearMonth m) {
        return m.atDay(1) + " 00:00:00+00";
    }

    EventPartitions.Report maintain(Harness h) throws Exception {
        return h.running.eventPartitions().maintain().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(1)
    void atStartEveryMonthFromTheOldestAcceptedEventToTwoMonthsAheadHasItsPartitions() {
        TreeSet<String> expected = new TreeSet<>();
        YearMonth first = YearMonth.from(Instant.now().minus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC));
        for (String t : TABLES) {
            for (YearMonth m = first; !m.isAfter(current.plusMonths(2)); m = m.plusMonths(1)) {
                expected.add(name(t, m));
            }
        }
        assertThat(partitions()).isEqualTo(expected);
        assertThat(strings("SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname = '"
                + name("flag_exposures", current) + "'").get(0))
                .contains(current.atDay(1).toString()).contains(current.plusMonths(1).atDay(1).toString());
    }

    @Test
    @Order(2)
    void oldPartitionsAreDroppedWhileTheDayTotalsKeepTheirDaysUntilTheirOwnRetention() throws Exception {
        YearMonth old = YearMonth.of(2020, 1);
        YearMonth lastMonth = current.minusMonths(1);
        YearMonth twoAgo = current.minusMonths(2);
        for (YearMonth m : List.of(old, twoAgo, lastMonth)) {
            cp.db.execute("CREATE TABLE IF NOT EXISTS " + name("flag_exposures", m) + " PARTITION OF flag_exposures"
                    + " FOR VALUES FROM ('" + start(m) + "') TO ('" + start(m.plusMonths(1)) + "')");
        }
        cp.db.execute("CREATE TABLE " + name("flag_evaluation_counts", old) + " PARTITION OF flag_evaluation_counts"
                + " FOR VALUES FROM ('" + start(old) + "') TO ('" + start(old.plusMonths(1)) + "')");
        cp.db.execute("INSERT INTO flag_exposures VALUES (1, 1, gen_random_uuid(), '2020-01-15T10:00:00Z', 'f', 'on',"
                + " 'u1')");
        cp.db.execute("INSERT INTO flag_evaluation_counts VALUES (1, 1, gen_random_uuid(), '2020-01-15T10:00:00Z',"
                + " 'f', 'on', 12)");
        long env = Long.parseLong(strings("SELECT id FROM environments WHERE key = 'production'").get(0));
        long tenant = Long.parseLong(strings("SELECT id FROM tenants WHERE key = 'acme'").get(0));
        cp.db.execute("INSERT INTO flag_daily_totals (tenant_id, environment_id, flag, day, variant, evaluations,"
                + " exposures) VALUES (" + tenant + ", " + env + ", 'f', '2020-01-15', 'on', 12, 1), (" + tenant + ", "
                + env + ", 'f', '2015-06-01', 'on', 99, 9)");
        cp.db.execute("INSERT INTO event_batches VALUES (" + tenant + ", " + env + ", gen_random_uuid(),"
                + " gen_random_uuid(), '2020-01-15T10:00:00Z', '2020-01-15T10:00:01Z', 2)");

        EventPartitions.Report report = maintain(cp);

        assertThat(report.dropped()).containsExactlyInAnyOrder(name("flag_exposures", old),
                name("flag_exposures", twoAgo), name("flag_evaluation_counts", old));
        assertThat(partitions()).doesNotContain(name("flag_exposures", old), name("flag_exposures", twoAgo))
                .contains(name("flag_exposures", lastMonth), name("flag_exposures", current));
        assertThat(strings("SELECT count(*) FROM flag_exposures WHERE occurred_at < '2021-01-01'")).containsExactly("0");
        // The totals outlive the raw events: 2020 is within the 120 months of events.totals-retention-months, 2015
        // is not.
        assertThat(report.totalsDeleted()).isEqualTo(1);
        assertThat(report.batchesForgotten()).isEqualTo(1);
        Resp totals = cp.get("/api/v1/flags/f/exposures?environment=production&from=2020-01-01&to=2020-01-31", admin);
        assertThat(totals.json().get("variants").get("on").toString()).isEqualTo("{\"evaluations\":12,\"exposures\":1}");
        assertThat(strings("SELECT count(*) FROM flag_daily_totals WHERE day < '2016-01-01'")).containsExactly("0");
        assertThat(strings("SELECT count(*) FROM event_batches WHERE received_at < '2021-01-01'")).containsExactly("0");

        // A second run has nothing left to do.
        EventPartitions.Report again = maintain(cp);
        assertThat(again.created()).isEmpty();
        assertThat(again.dropped()).isEmpty();
    }

    @Test
    @Order(3)
    void theStripesOfPastDaysAreFoldedIntoOneRowAndReadsSumTheStripesOfToday() throws Exception {
        long env = Long.parseLong(strings("SELECT id FROM environments WHERE key = 'production'").get(0));
        long tenant = Long.parseLong(strings("SELECT id FROM tenants WHERE key = 'acme'").get(0));
        java.time.LocalDate today = java.time.LocalDate.now(ZoneOffset.UTC);
        java.time.LocalDate past = today.minusDays(3);
        StringBuilder values = new StringBuilder();
        int[][] rows = {{0, 10, 1}, {2, 20, 2}, {5, 30, 3}};
        for (java.time.LocalDate day : List.of(past, today)) {
            for (int[] r : rows) {
                values.append(values.isEmpty() ? "" : ", ").append("(").append(tenant).append(", ").append(env)
                        .append(", 'striped', '").append(day).append("', 'on', ").append(r[0]).append(", ")
                        .append(r[1]).append(", ").append(r[2]).append(")");
            }
        }
        cp.db.execute("INSERT INTO flag_daily_totals (tenant_id, environment_id, flag, day, variant, stripe,"
                + " evaluations, exposures) VALUES " + values);
        cp.post("/api/v1/flags", admin, Map.of("key", "striped", "variants", Map.of("on", true, "off", false)));
        String range = "&from=" + past + "&to=" + today;
        String before = cp.get("/api/v1/flags/striped/exposures?environment=production" + range, admin).json()
                .get("days").toString();

        EventPartitions.Report report = maintain(cp);

        assertThat(report.stripesFolded()).isEqualTo(2);
        assertThat(strings("SELECT stripe || ':' || evaluations || ':' || exposures FROM flag_daily_totals WHERE flag"
                + " = 'striped' AND day = '" + past + "'")).containsExactly("0:60:6");
        assertThat(strings("SELECT count(*) FROM flag_daily_totals WHERE flag = 'striped' AND day = '" + today + "'"))
                .containsExactly("3");
        String after = cp.get("/api/v1/flags/striped/exposures?environment=production" + range, admin).json()
                .get("days").toString();
        assertThat(after).isEqualTo(before).isEqualTo("[{\"day\":\"" + past + "\",\"variant\":\"on\","
                + "\"evaluations\":60,\"exposures\":6},{\"day\":\"" + today + "\",\"variant\":\"on\","
                + "\"evaluations\":60,\"exposures\":6}]");
    }

    @Test
    @Order(4)
    void aBatchThatFindsNoPartitionIsAnswered503AndItsRetryIsStoredOnceThePartitionIsMade() {
        for (String t : TABLES) {
            cp.db.execute("DROP TABLE " + name(t, current));
        }
        Instant now = Batches.minute(Instant.now());
        Batches b = new Batches().count("f", "on", now, 3).exposure("f", "on", "u9", now)
                .conversion("u9", "bought", 1.0, now);

        Resp first = b.post(cp, sidecar);

        assertThat(first.status()).as(first.body()).isEqualTo(503);
        assertThat(first.json().get("detail").asText()).contains("no partition");
        // The refused batch made the server run the maintenance; the sidecar's retry then goes through, once.
        List<Integer> statuses = new ArrayList<>();
        Poll.until("the batch is accepted", Duration.ofSeconds(20), () -> {
            int s = b.post(cp, sidecar).status();
            statuses.add(s);
            return s != 503;
        });
        assertThat(statuses.get(statuses.size() - 1)).isEqualTo(202);
        assertThat(partitions()).contains(name("flag_exposures", current), name("conversion_events", current));
        String today = now.atOffset(ZoneOffset.UTC).toLocalDate().toString();
        Resp totals = cp.get("/api/v1/flags/f/exposures?environment=production&from=" + today + "&to=" + today,
                admin);
        assertThat(totals.json().get("variants").get("on").toString()).isEqualTo("{\"evaluations\":3,\"exposures\":1}");
    }

    @Test
    @Order(5)
    void twoReplicasMaintainingAtTheSameMomentTakeTurns() throws Exception {
        try (Harness second = Harness.start(cp.db, cp.redisPrefix, settings())) {
            for (int round = 0; round < 5; round++) {
                for (String t : TABLES) {
                    cp.db.execute("DROP TABLE IF EXISTS " + name(t, current.plusMonths(1)));
                    cp.db.execute("DROP TABLE IF EXISTS " + name(t, current.plusMonths(2)));
                }
                var a = cp.running.eventPartitions().maintain().toCompletionStage().toCompletableFuture();
                var b = second.running.eventPartitions().maintain().toCompletionStage().toCompletableFuture();
                EventPartitions.Report ra = a.get(30, TimeUnit.SECONDS);
                EventPartitions.Report rb = b.get(30, TimeUnit.SECONDS);

                List<String> created = new ArrayList<>(ra.created());
                created.addAll(rb.created());
                assertThat(created).as("round " + round).hasSize(6).doesNotHaveDuplicates();
                assertThat(partitions()).contains(name("flag_exposures", current.plusMonths(2)));
            }
        }
    }
}
