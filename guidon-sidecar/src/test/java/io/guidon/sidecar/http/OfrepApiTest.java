package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.SidecarFixture;
import io.guidon.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenFeature Remote Evaluation Protocol endpoints over HTTP: single evaluation with every error code the
 * spec names, bulk evaluation with ETags, and the configuration endpoint. Limits are the shipped defaults.
 */
@ExtendWith(VertxExtension.class)
class OfrepApiTest {

    private static final String SINGLE = "/ofrep/v1/evaluate/flags/";
    private static final String BULK = "/ofrep/v1/evaluate/flags";
    private static final String JSON = "application/json";

    static SidecarFixture sidecar;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path dir) throws Exception {
        sidecar = SidecarFixture.start(vertx, FlagFiles.install(dir.resolve("flags.json"), "flags.json"));
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    private static HttpReply evaluate(String key, String body) {
        return sidecar.post(SINGLE + key, body, "Content-Type", JSON);
    }

    @Nested
    class SingleFlag {

        @Test
        void successHasKeyValueReasonVariantAndMetadata() {
            HttpReply r = evaluate("static-on", "{\"context\":{\"targetingKey\":\"u1\"}}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo(JSON);
            assertThat(r.json()).isEqualTo(new JsonObject().put("key", "static-on").put("value", true)
                    .put("reason", "STATIC").put("variant", "on").put("metadata", new JsonObject()));
        }

        @Test
        void flagMetadataIsReturned() {
            HttpReply r = evaluate("button-color", "{\"context\":{\"targetingKey\":\"u1\"}}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getString("value")).isEqualTo("green");
            assertThat(r.json().getJsonObject("metadata"))
                    .isEqualTo(new JsonObject().put("owner", "growth").put("experiment", "button-2025"));
        }

        @Test
        void objectValuesAreServedAsJson() {
            HttpReply r = evaluate("page-layout", "{}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getJsonObject("value"))
                    .isEqualTo(new JsonObject().put("layout", "cards").put("columns", 2));
            assertThat(r.json().getString("variant")).isEqualTo("cards");
        }

        @Test
        void disabledFlagServesItsOffVariantWithReasonDisabled() {
            HttpReply r = evaluate("switched-off", "{\"context\":{\"targetingKey\":\"u1\"}}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getBoolean("value")).isFalse();
            assertThat(r.json().getString("variant")).isEqualTo("off");
            assertThat(r.json().getString("reason")).isEqualTo("DISABLED");
        }

        @Test
        void targetedUserGetsTargetingMatch() {
            HttpReply r = evaluate("premium-feature", "{\"context\":{\"targetingKey\":\"user-42\"}}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getBoolean("value")).isTrue();
            assertThat(r.json().getString("reason")).isEqualTo("TARGETING_MATCH");
        }

        @Test
        void contextAttributesMatchARule() {
            HttpReply matching = evaluate("premium-feature",
                    "{\"context\":{\"targetingKey\":\"u7\",\"country\":\"US\",\"plan\":\"premium\"}}");
            HttpReply other = evaluate("premium-feature",
                    "{\"context\":{\"targetingKey\":\"u7\",\"country\":\"US\",\"plan\":\"free\"}}");

            assertThat(matching.status()).isEqualTo(200);
            assertThat(matching.json().getString("reason")).isEqualTo("TARGETING_MATCH");
            assertThat(matching.json().getString("variant")).isEqualTo("on");
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.json().getString("reason")).isEqualTo("DEFAULT");
            assertThat(other.json().getString("variant")).isEqualTo("off");
        }

        @Test
        void rolloutWithATargetingKeyIsASplit() {
            HttpReply r = evaluate("gradual-rollout", "{\"context\":{\"targetingKey\":\"u1\"}}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getString("reason")).isEqualTo("SPLIT");
            assertThat(r.json().getString("variant")).isIn("on", "off");
        }

        @Test
        void emptyBodyIsAllowedForAStaticFlag() {
            HttpReply r = sidecar.post(SINGLE + "static-on", null);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getString("key")).isEqualTo("static-on");
            assertThat(r.json().getBoolean("value")).isTrue();
        }

        @Test
        void unknownFlagIs404FlagNotFound() {
            HttpReply r = evaluate("no-such-flag", "{\"context\":{\"targetingKey\":\"u1\"}}");

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().getString("key")).isEqualTo("no-such-flag");
            assertThat(r.json().getString("errorCode")).isEqualTo("FLAG_NOT_FOUND");
            assertThat(r.json().getString("errorDetails")).contains("no-such-flag").contains("not found");
        }

        @Test
        void malformedJsonIs400ParseErrorNamingTheFlag() {
            HttpReply r = evaluate("static-on", "{\"context\": {\"targetingKey\": ");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("key")).isEqualTo("static-on");
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).contains("not valid JSON").contains("line 1");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[1, 2]", "\"context\"", "42", "null"})
        void bodyThatIsNotAnObjectIs400(String body) {
            HttpReply r = evaluate("static-on", body);

            if (body.equals("null")) {
                // JSON null is read like an empty body: no context.
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().getString("reason")).isEqualTo("STATIC");
                return;
            }
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("key")).isEqualTo("static-on");
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).contains("must be a JSON object");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"u1\"", "[1]", "7", "true"})
        void contextThatIsNotAnObjectIs400InvalidContext(String context) {
            HttpReply r = evaluate("static-on", "{\"context\":" + context + "}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("key")).isEqualTo("static-on");
            assertThat(r.json().getString("errorCode")).isEqualTo("INVALID_CONTEXT");
            assertThat(r.json().getString("errorDetails")).contains("\"context\" must be a JSON object");
        }

        @Test
        void targetingKeyThatIsNotAStringIs400InvalidContext() {
            HttpReply r = evaluate("static-on", "{\"context\":{\"targetingKey\":123}}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("key")).isEqualTo("static-on");
            assertThat(r.json().getString("errorCode")).isEqualTo("INVALID_CONTEXT");
            assertThat(r.json().getString("errorDetails")).contains("\"targetingKey\" must be a string, not a number");
        }

        @Test
        void rolloutWithoutTargetingKeyIs400TargetingKeyMissing() {
            HttpReply r = evaluate("gradual-rollout", "{\"context\":{\"country\":\"US\"}}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("key")).isEqualTo("gradual-rollout");
            assertThat(r.json().getString("errorCode")).isEqualTo("TARGETING_KEY_MISSING");
            assertThat(r.json().getString("errorDetails")).contains("targetingKey");
        }

        @Test
        void bodyOverTheDefault64KiBLimitIs413NamingTheLimit() {
            String body = "{\"context\":{\"targetingKey\":\"u1\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}}";

            HttpReply r = evaluate("static-on", body);

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().getString("errorCode")).isEqualTo("GENERAL");
            assertThat(r.json().getString("errorDetails")).contains("65536 bytes").contains("http.max-body-size");
        }

        @Test
        void deepNestingIs400() {
            String deep = "[".repeat(40) + "]".repeat(40);

            HttpReply r = evaluate("static-on", "{\"context\":{\"targetingKey\":\"u1\",\"a\":" + deep + "}}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("key")).isEqualTo("static-on");
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).contains("nests arrays and objects deeper than 16 levels, the limit");
        }

        @Test
        void hugeArrayIs400() {
            String array = "[" + "1,".repeat(1500) + "1]";

            HttpReply r = evaluate("static-on", "{\"context\":{\"targetingKey\":\"u1\",\"ids\":" + array + "}}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).contains("context.ids has more than 1000 elements, the limit");
        }

        @Test
        void hugeObjectIs400() {
            StringBuilder context = new StringBuilder("{\"targetingKey\":\"u1\"");
            for (int i = 0; i < 1200; i++) {
                context.append(",\"a").append(i).append("\":1");
            }
            HttpReply r = evaluate("static-on", "{\"context\":" + context + "}}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).contains("context has more than 1000 entries, the limit");
        }

        @ParameterizedTest
        @ValueSource(strings = {"GET", "PUT", "DELETE"})
        void wrongMethodIs405WithAllowHeaderAndABody(String method) {
            HttpReply r = sidecar.request(HttpMethod.valueOf(method), SINGLE + "static-on",
                    method.equals("PUT") ? "{}" : null);

            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("POST");
            assertThat(r.json().getString("errorCode")).isEqualTo("GENERAL");
            assertThat(r.json().getString("errorDetails"))
                    .isEqualTo("method " + method + " is not allowed on " + SINGLE + "static-on");
        }

        @Test
        void unknownPathIs404WithABody() {
            HttpReply r = sidecar.post("/ofrep/v2/evaluate/flags/static-on", "{}");

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().getString("errorCode")).isEqualTo("GENERAL");
            assertThat(r.json().getString("errorDetails")).contains("no endpoint /ofrep/v2/evaluate/flags/static-on");
        }
    }

    @Nested
    class Bulk {

        private static final String U1 = "{\"context\":{\"targetingKey\":\"u1\"}}";

        private static Map<String, JsonObject> byKey(HttpReply r) {
            Map<String, JsonObject> flags = new HashMap<>();
            JsonArray array = r.json().getJsonArray("flags");
            for (int i = 0; i < array.size(); i++) {
                flags.put(array.getJsonObject(i).getString("key"), array.getJsonObject(i));
            }
            return flags;
        }

        @Test
        void evaluatesEveryFlagWithAnETag() {
            HttpReply r = sidecar.post(BULK, U1, "Content-Type", JSON);

            assertThat(r.status()).isEqualTo(200);
            // 128 bits in unpadded base64url (ADR 0207).
            assertThat(r.header("ETag")).matches("\"[A-Za-z0-9_-]{22}\"");
            Map<String, JsonObject> flags = byKey(r);
            assertThat(flags).containsOnlyKeys("static-on", "switched-off", "button-color", "premium-feature",
                    "gradual-rollout", "results-limit", "page-layout");
            assertThat(flags.get("static-on")).isEqualTo(new JsonObject().put("key", "static-on").put("value", true)
                    .put("reason", "STATIC").put("variant", "on").put("metadata", new JsonObject()));
            assertThat(flags.get("switched-off").getString("reason")).isEqualTo("DISABLED");
            assertThat(flags.get("button-color").getJsonObject("metadata").getString("owner")).isEqualTo("growth");
            assertThat(flags.get("gradual-rollout").getString("reason")).isEqualTo("SPLIT");
        }

        @Test
        void perFlagFailuresAreEntriesWithErrorCodes() {
            HttpReply r = sidecar.post(BULK, "{\"context\":{\"country\":\"US\"}}", "Content-Type", JSON);

            assertThat(r.status()).isEqualTo(200);
            Map<String, JsonObject> flags = byKey(r);
            assertThat(flags).hasSize(7);
            JsonObject failed = flags.get("gradual-rollout");
            assertThat(failed.getString("errorCode")).isEqualTo("TARGETING_KEY_MISSING");
            assertThat(failed.getString("errorDetails")).contains("targetingKey");
            assertThat(failed.containsKey("value")).isFalse();
            assertThat(flags.get("static-on").getBoolean("value")).isTrue();
        }

        @Test
        void sameBodyWithIfNoneMatchIs304WithAnEmptyBody() {
            HttpReply first = sidecar.post(BULK, U1, "Content-Type", JSON);
            String etag = first.header("ETag");

            HttpReply again = sidecar.post(BULK, U1, "Content-Type", JSON, "If-None-Match", etag);

            assertThat(again.status()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.header("ETag")).isEqualTo(etag);
        }

        @Test
        void weakAndListedETagsAlsoMatch() {
            String etag = sidecar.post(BULK, U1).header("ETag");

            assertThat(sidecar.post(BULK, U1, "If-None-Match", "W/" + etag).status()).isEqualTo(304);
            assertThat(sidecar.post(BULK, U1, "If-None-Match", "\"other\", " + etag).status()).isEqualTo(304);
        }

        @Test
        void differentContextHasADifferentETag() {
            String u1 = sidecar.post(BULK, U1).header("ETag");
            HttpReply u2 = sidecar.post(BULK, "{\"context\":{\"targetingKey\":\"u2\"}}", "If-None-Match", u1);

            assertThat(u2.status()).isEqualTo(200);
            assertThat(u2.header("ETag")).isNotEqualTo(u1);
            assertThat(byKey(u2)).hasSize(7);
        }

        @Test
        void malformedBulkBodyIs400ParseError() {
            HttpReply r = sidecar.post(BULK, "{\"context\":", "Content-Type", JSON);

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).contains("not valid JSON");
        }

        @Test
        void bulkContextThatIsNotAnObjectIs400InvalidContext() {
            HttpReply r = sidecar.post(BULK, "{\"context\":[]}", "Content-Type", JSON);

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("INVALID_CONTEXT");
            assertThat(r.json().getString("errorDetails")).contains("not an array");
        }

        @Test
        void oldETagNoLongerMatchesAfterTheFlagFileChanges(Vertx vertx, @TempDir Path dir) throws Exception {
            Path file = FlagFiles.install(dir.resolve("flags.json"), "flags.json");
            try (SidecarFixture own = SidecarFixture.start(vertx, file)) {
                HttpReply before = own.post(BULK, U1);
                assertThat(own.post(BULK, U1, "If-None-Match", before.header("ETag")).status()).isEqualTo(304);

                FlagFiles.install(file, "flags-v2.json");
                Poll.until("version 2", () -> own.version() == 2);
                HttpReply after = own.post(BULK, U1, "If-None-Match", before.header("ETag"));

                assertThat(after.status()).isEqualTo(200);
                assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
                assertThat(byKey(after).get("static-on").getBoolean("value")).isFalse();
            }
        }

        @Test
        void wrongMethodOnBulkIs405() {
            HttpReply r = sidecar.get(BULK);

            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("POST");
            assertThat(r.json().getString("errorDetails")).contains("GET is not allowed");
        }
    }

    @Nested
    class Configuration {

        @Test
        void configurationHasNameAndCapabilities() {
            HttpReply r = sidecar.get("/ofrep/v1/configuration");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getString("name")).isEqualTo("Guidon");
            JsonObject capabilities = r.json().getJsonObject("capabilities");
            assertThat(capabilities.getJsonObject("cacheInvalidation").getJsonObject("polling"))
                    .isEqualTo(new JsonObject().put("enabled", true).put("minPollingIntervalMs", 50));
            assertThat(capabilities.getJsonObject("flagEvaluation").getJsonArray("supportedTypes"))
                    .contains("boolean", "string", "int", "float", "object");
            assertThat(r.header("ETag")).isNotBlank();
        }

        @Test
        void configurationAnswers304ToItsETag() {
            String etag = sidecar.get("/ofrep/v1/configuration").header("ETag");

            HttpReply r = sidecar.get("/ofrep/v1/configuration", "If-None-Match", etag);

            assertThat(r.status()).isEqualTo(304);
            assertThat(r.body()).isEmpty();
        }

        @Test
        void postOnConfigurationIs405AllowingGet() {
            HttpReply r = sidecar.post("/ofrep/v1/configuration", "{}");

            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
            assertThat(r.json().getString("errorDetails")).contains("POST is not allowed");
        }
    }
}
