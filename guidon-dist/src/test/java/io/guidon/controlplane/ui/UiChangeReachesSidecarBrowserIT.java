package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.ConnectedSidecars;
import io.guidon.controlplane.Harness;
import io.guidon.sidecar.SidecarMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The scenario end to end: a change made in the admin UI (turning a flag on), in a real Chromium, is
 * served by a connected sidecar (a real {@link SidecarMain} on Redis notifications, its polling slowed to 30 s so
 * that only the notification can deliver in time) over HTTP within a second of the page confirming it.
 */
class UiChangeReachesSidecarBrowserIT {

    @TempDir
    Path cache;

    @Test
    void aFlagTurnedOnInTheUiIsServedByAConnectedSidecarWithinASecond() throws Exception {
        try (Harness cp = Harness.start(Map.of())) {
            String admin = cp.bootstrap("acme");
            cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
            cp.post("/api/v1/flags", admin, Map.of("key", "checkout", "variants", Map.of("on", true, "off", false)));
            String key = cp.createKey(admin, "staging sidecar", "sidecar", "staging").json().get("key").asText();

            SidecarMain sidecar = ConnectedSidecars.start(cp, key, cache, Map.of("control-plane.poll-interval", "30s",
                    "redis.url", "redis://" + Harness.REDIS_HOST + ":" + Harness.REDIS_PORT,
                    "redis.prefix", cp.redisPrefix));
            HttpClient http = HttpClient.newHttpClient();
            URI flag = URI.create("http://127.0.0.1:" + sidecar.port() + "/v1/flags/checkout?targetingKey=u1");
            try (Browser browser = Browser.start(cp.port())) {
                assertThat(served(http, flag)).contains("\"reason\":\"DISABLED\"");
                browser.signIn(admin).open("/ui/flags/checkout?env=staging");
                browser.find("#env-staging-toggle-button").click();
                browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(
                        org.openqa.selenium.By.cssSelector("#env-staging-toggle-button"), "Turn off"));
                long confirmed = System.nanoTime();
                String body = served(http, flag);
                // A new flag's configuration serves its off variant when on too: the reason says it is on.
                while (body.contains("DISABLED") && System.nanoTime() - confirmed < 1_000_000_000L) {
                    Thread.sleep(20);
                    body = served(http, flag);
                }
                long millis = (System.nanoTime() - confirmed) / 1_000_000;
                assertThat(body).as("served %d ms after the page confirmed the change", millis)
                        .contains("\"key\":\"checkout\"").doesNotContain("DISABLED");
                assertThat(millis).isLessThan(1000);
            } finally {
                sidecar.shutdown(Duration.ofSeconds(10));
            }
        }
    }

    private static String served(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
