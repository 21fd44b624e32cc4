package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The options each route declares in the route table ({@link ApiRouter.RouteSpec}), as a client sees them: the
 * event route's body limit of its own (read only after the key), the routes logged quietly, and the methods a path
 * allows (405 with {@code Allow}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteOptionsIT {

    private static final String ACCESS = "io.guidon.controlplane.access";

    Harness cp;
    String admin;
    String sidecar;
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    Level before;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("http.max-body-size", "1KiB", "events.max-body-size", "8KiB",
                "events.max-decompressed-size", "1MiB"));
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        sidecar = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
        Logger access = (Logger) LoggerFactory.getLogger(ACCESS);
        before = access.getLevel();
        access.setLevel(Level.DEBUG);
        lines.start();
        access.addAppender(lines);
    }

    @AfterAll
    void stop() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger(ACCESS);
        access.detachAppender(lines);
        access.setLevel(before);
        cp.close();
    }

    private Level loggedAt(String method, String path) {
        Poll.until("the access log line of " + method + " " + path, () -> find(method, path) != null);
        return find(method, path).getLevel();
    }

    private ILoggingEvent find(String method, String path) {
        synchronized (lines) {
            for (ILoggingEvent e : List.copyOf(lines.list)) {
                Object[] args = e.getArgumentArray();
                String fields = args == null ? "" : java.util.Arrays.toString(args);
                if (fields.contains("method=" + method + ",") && fields.contains("path=" + path + ",")) {
                    return e;
                }
            }
        }
        return null;
    }

    @Test
    void routesPolledByMachinesAreLoggedAtDebugTheOthersAtInfo() {
        assertThat(cp.get("/healthz", null).status()).isEqualTo(200);
        assertThat(cp.get("/api/v1/sidecar/flags", sidecar).status()).isEqualTo(200);
        assertThat(cp.post("/api/v1/events", sidecar, Map.of("batchId", "not a uuid")).status()).isEqualTo(400);
        assertThat(cp.get("/api/v1/flags", admin).status()).isEqualTo(200);
        assertThat(cp.get("/api/v1/environments/production", admin).status()).isEqualTo(200);

        assertThat(loggedAt("GET", "/healthz")).isEqualTo(Level.DEBUG);
        assertThat(loggedAt("GET", "/api/v1/sidecar/flags")).isEqualTo(Level.DEBUG);
        assertThat(loggedAt("POST", "/api/v1/events")).isEqualTo(Level.DEBUG);
        assertThat(loggedAt("GET", "/api/v1/flags")).isEqualTo(Level.INFO);
        assertThat(loggedAt("GET", "/api/v1/environments/production")).isEqualTo(Level.INFO);
    }

    @Test
    void theEventRouteHasABodyLimitOfItsOwnAndTheOthersHttpMaxBodySize() {
        String padding = "x".repeat(2000);
        byte[] batch = ("{\"batchId\":\"not a uuid\",\"padding\":\"" + padding + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        // 2 KB: over http.max-body-size, within events.max-body-size: read, then refused for what it says.
        Resp events = cp.send("POST", "/api/v1/events", sidecar, batch, "Content-Type", "application/json");
        assertThat(events.status()).as(events.body()).isEqualTo(400);

        Resp admin2k = cp.send("POST", "/api/v1/environments", admin, batch, "Content-Type", "application/json");
        assertThat(admin2k.status()).isEqualTo(413);
        assertThat(admin2k.json().get("detail").asText()).isEqualTo("the body exceeds 1024 bytes");

        byte[] big = ("{\"padding\":\"" + "x".repeat(9000) + "\"}").getBytes(StandardCharsets.UTF_8);
        Resp events9k = cp.send("POST", "/api/v1/events", sidecar, big, "Content-Type", "application/json");
        assertThat(events9k.status()).isEqualTo(413);
        assertThat(events9k.json().get("detail").asText())
                .isEqualTo("the body exceeds 8192 bytes (events.max-body-size)");

        // The event body is read only once the key is known: without one, 401, not 413.
        Resp anonymous = cp.send("POST", "/api/v1/events", null, big, "Content-Type", "application/json");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"guidon\"");
    }

    @Test
    void aPathAnswersTheMethodsItsRoutesDeclare() {
        Resp events = cp.get("/api/v1/events", sidecar);
        assertThat(events.status()).isEqualTo(405);
        assertThat(events.header("Allow")).isEqualTo("POST");

        Resp env = cp.call("PATCH", "/api/v1/environments/production", admin, "{}");
        assertThat(env.status()).isEqualTo(405);
        assertThat(env.header("Allow")).isEqualTo("DELETE, GET, PUT");
        assertThat(env.json().get("detail").asText())
                .isEqualTo("PATCH is not allowed on /api/v1/environments/production; allowed: DELETE, GET, PUT");

        Resp health = cp.call("POST", "/healthz", null, "{}");
        assertThat(health.status()).isEqualTo(405);
        assertThat(health.header("Allow")).isEqualTo("GET");
    }
}
