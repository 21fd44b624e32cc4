package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 over HTTP: a pre-release number beyond 64 bits made the semver library throw, and OFREP answered 500
 * for the flag and for every flag of the bulk request. Now it compares, and every flag is answered.
 */
@ExtendWith(VertxExtension.class)
class EvaluationFailuresOverHttpTest {

    private static final String DOCUMENT = """
            {"flags": {
              "nightly": {"enabled": true, "variants": {"on": true, "off": false}, "offVariant": "off",
                "rules": [{"id": "n", "when": {"attribute": "appVersion", "op": "semverGt",
                           "values": ["2.0.0-nightly.1"]}, "serve": {"variant": "on"}}],
                "fallthrough": {"variant": "off"}},
              "pinned": {"enabled": true, "variants": {"on": true, "off": false}, "offVariant": "off",
                "rules": [{"id": "p", "when": {"attribute": "appVersion", "op": "semverEq",
                           "values": ["2.0.0-nightly.20250101123456789012345"]}, "serve": {"variant": "on"}}],
                "fallthrough": {"variant": "off"}},
              "plain": {"enabled": true, "variants": {"on": true, "off": false}, "offVariant": "off",
                "fallthrough": {"variant": "on"}}}}
            """;
    private static final String CONTEXT =
            "{\"context\": {\"targetingKey\": \"u1\", \"appVersion\": \"2.0.0-nightly.20250101123456789012345\"}}";

    @TempDir
    Path dir;
    SidecarFixture sidecar;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        sidecar = SidecarFixture.start(vertx, FlagFiles.write(dir.resolve("flags.json"), DOCUMENT));
    }

    @AfterEach
    void stop() {
        sidecar.close();
    }

    @Test
    void aHugePrereleaseNumberIsEvaluatedNotA500() {
        HttpReply single = sidecar.post("/ofrep/v1/evaluate/flags/nightly", CONTEXT);

        assertThat(single.status()).isEqualTo(200);
        assertThat(single.json().getBoolean("value")).isTrue();
        assertThat(single.json().getString("reason")).isEqualTo("TARGETING_MATCH");
    }

    @Test
    void theBulkAnswersEveryFlag() {
        HttpReply bulk = sidecar.post("/ofrep/v1/evaluate/flags", CONTEXT);

        assertThat(bulk.status()).isEqualTo(200);
        JsonArray flags = bulk.json().getJsonArray("flags");
        assertThat(flags).hasSize(3);
        for (int i = 0; i < flags.size(); i++) {
            JsonObject f = flags.getJsonObject(i);
            assertThat(f.getBoolean("value")).as("%s", f).isTrue();
        }
    }
}
