package io.guidon.controlplane.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ui.enabled: false} serves the API alone: no UI page, no sign-in, no redirect from the root. */
class UiDisabledIT {

    @Test
    void aControlPlaneWithTheUiDisabledServesNoUiPageButTheApi() throws Exception {
        try (Harness cp = Harness.start(Map.of("ui.enabled", "false"))) {
            UiHttp ui = new UiHttp(cp.port());
            for (String path : new String[] {"/", "/ui/", "/ui/sign-in", "/ui/flags", "/ui/assets/app.js"}) {
                HttpResponse<String> r = ui.get(path, null);
                assertThat(r.statusCode()).as(path).isEqualTo(404);
                assertThat(r.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
            }
            String admin = cp.bootstrap("acme");
            assertThat(cp.get("/api/v1/environments", admin).status()).isEqualTo(200);
        }
    }
}
