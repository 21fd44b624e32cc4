package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.ControlPlaneTestProcess;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The export's memory is bounded whatever the range: a control plane process with a 160 MiB heap exports a million
 * exposures (about 290 MB of NDJSON, more than its whole heap; targeting keys of 110 characters), in three pages of
 * 400,000 rows linked by cursors, one of them gzip-compressed; every row arrives once, in order, exactly as stored,
 * and the process is still up. The heap is near the smallest the whole control plane starts and serves in: what is
 * left of it is less than one page's text, let alone its rows as objects.
 */
class ExportSmallHeapIT {

    static final int ROWS = 1_000_000;
    static final int HEAP_MIB = 160;
    static final int KEY_PADDING = 100;

    @Test
    void aMillionRowsMoreThanTheHeapThroughABoundedServer() throws Exception {
        try (TestDatabase db = TestDatabase.createMigrated()) {
            String admin = Harness.bootstrap(db, "acme");
            try (ControlPlaneTestProcess cp = ControlPlaneTestProcess.start(db, List.of("-Xmx" + HEAP_MIB + "m",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"), Map.of(
                            "http.event-loops", "1", "database.pool-size", "2", "ui.enabled", "false"))) {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> env = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port()
                        + "/api/v1/environments")).header("Authorization", "Bearer " + admin)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"production\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(env.statusCode()).as(env.body()).isEqualTo(201);
                Instant base = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(2, ChronoUnit.DAYS);
                try (Connection c = db.connect(); Statement st = c.createStatement()) {
                    ResultSet rs = st.executeQuery("SELECT tenant_id, id FROM environments WHERE key = 'production'");
                    rs.next();
                    // Row n: batch n / 1000, index n % 1000, at base + n ms: the export's order is n's.
                    st.execute("INSERT INTO flag_exposures (tenant_id, environment_id, batch_id, occurred_at, flag,"
                            + " variant, targeting_key, ordinal) SELECT " + rs.getLong(1) + ", " + rs.getLong(2)
                            + ", ('00000000-0000-0000-0000-' || lpad(to_hex(n / 1000), 12, '0'))::uuid, timestamptz '"
                            + base + "' + n * interval '1 millisecond', 'flag-' || n % 10,"
                            + " CASE WHEN n % 2 = 0 THEN 'on' ELSE 'off' END,"
                            + " 'user-' || n || '-' || repeat('k', " + KEY_PADDING + "),"
                            + " n % 1000"
                            + " FROM generate_series(0, " + (ROWS - 1) + ") n");
                    st.execute("ANALYZE flag_exposures");
                }

                String next = "/api/v1/export/exposures?environment=production&from=" + base + "&limit=400000";
                long row = 0;
                long bytes = 0;
                int pages = 0;
                while (next != null) {
                    boolean gzip = pages == 1;
                    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + cp.port() + next + (gzip ? "&compression=gzip" : ""))).timeout(Duration.ofMinutes(5))
                            .header("Authorization", "Bearer " + admin).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    assertThat(r.statusCode()).isEqualTo(200);
                    long first = row;
                    try (InputStream body = gzip ? new GZIPInputStream(r.body(), 1 << 16) : r.body();
                            BufferedReader lines = new BufferedReader(new InputStreamReader(body,
                                    StandardCharsets.UTF_8), 1 << 16)) {
                        for (String line; (line = lines.readLine()) != null;) {
                            // Plain equals: a million assertion objects would cost more than the export.
                            if (!line.equals(expected(base, row))) {
                                assertThat(line).as("row " + row).isEqualTo(expected(base, row));
                            }
                            bytes += line.length() + 1;
                            row++;
                        }
                    }
                    pages++;
                    assertThat(row - first).as("page " + pages).isEqualTo(Math.min(400_000, ROWS - first));
                    String cursor = r.headers().firstValue("Next-Cursor").orElse(null);
                    next = cursor == null ? null : "/api/v1/export/exposures?cursor=" + cursor + "&limit=400000";
                }
                assertThat(row).isEqualTo(ROWS);
                assertThat(pages).isEqualTo(3);
                assertThat(bytes).as("more than the whole heap").isGreaterThan(HEAP_MIB * 1024L * 1024);
                assertThat(cp.alive()).as(cp.log()).isTrue();
                assertThat(cp.log()).doesNotContain("OutOfMemoryError");
            }
        }
    }

    static String expected(Instant base, long n) {
        return "{\"timestamp\":\"" + base.plusMillis(n) + "\",\"environment\":\"production\",\"flag\":\"flag-" + n % 10
                + "\",\"variant\":\"" + (n % 2 == 0 ? "on" : "off") + "\",\"targetingKey\":\"user-" + n + "-"
                + "k".repeat(KEY_PADDING) + "\",\"batchId\":\"" + new UUID(0, n / 1000) + "\",\"index\":" + n % 1000 + "}";
    }
}
