package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.FlagFiles;
import io.guidon.sidecar.HttpReply;
import io.guidon.sidecar.PrometheusText;
import io.guidon.sidecar.SidecarFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Guidon's native API over HTTP: evaluate, one flag by query, the earlier per-user API, the document, tracking. */
@ExtendWith(VertxExtension.class)
class NativeApiTest {

    static SidecarFixture sidecar;

    @BeforeAll
    static void start(Vertx vertx, @TempDir Path dir) throws Exception {
        sidecar = SidecarFixture.start(vertx, FlagFiles.install(dir.resolve("flags.json"), "flags.json"));
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    @Nested
    class Evaluate {

        @Test
        void evaluatesEveryFlagWithVersionVariantReasonAndRuleId() {
            HttpReply r = sidecar.post("/v1/evaluate",
                    "{\"context\":{\"targetingKey\":\"u1\",\"country\":\"US\",\"plan\":\"premium\"}}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getLong("version")).isEqualTo(1);
            JsonObject flags = r.json().getJsonObject("flags");
            assertThat(flags.fieldNames()).containsExactlyInAnyOrder("static-on", "switched-off", "button-color",
                    "premium-feature", "gradual-rollout", "results-limit", "page-layout");
            assertThat(flags.getJsonObject("premium-feature")).isEqualTo(new JsonObject().put("value", true)
                    .put("variant", "on").put("reason", "TARGETING_MATCH").put("ruleId", "us-premium"));
            assertThat(flags.getJsonObject("static-on")).isEqualTo(new JsonObject().put("value", true)
                    .put("variant", "on").put("reason", "STATIC"));
            assertThat(flags.getJsonObject("page-layout").getJsonObject("value").getString("layout"))
                    .isEqualTo("cards");
        }

        @Test
        void flagsSelectsASubsetAndReportsAnUnknownKeyPerFlag() {
            HttpReply r = sidecar.post("/v1/evaluate",
                    "{\"context\":{\"targetingKey\":\"u1\"},\"flags\":[\"button-color\",\"no-such-flag\"]}");

            assertThat(r.status()).isEqualTo(200);
            JsonObject flags = r.json().getJsonObject("flags");
            assertThat(flags.fieldNames()).containsExactly("button-color", "no-such-flag");
            assertThat(flags.getJsonObject("button-color").getString("value")).isEqualTo("green");
            assertThat(flags.getJsonObject("no-such-flag")).isEqualTo(new JsonObject()
                    .put("errorCode", "FLAG_NOT_FOUND").put("errorDetails", "flag 'no-such-flag' not found"));
            assertThat(r.json().getLong("version")).isEqualTo(1);
        }

        @Test
        void missingTargetingKeyIsReportedPerFlag() {
            HttpReply r = sidecar.post("/v1/evaluate", "{\"flags\":[\"gradual-rollout\",\"static-on\"]}");

            assertThat(r.status()).isEqualTo(200);
            JsonObject flags = r.json().getJsonObject("flags");
            assertThat(flags.getJsonObject("gradual-rollout").getString("errorCode"))
                    .isEqualTo("TARGETING_KEY_MISSING");
            assertThat(flags.getJsonObject("static-on").getBoolean("value")).isTrue();
        }

        @Test
        void explainAddsTheEvaluationTrace() {
            HttpReply r = sidecar.post("/v1/evaluate", "{\"context\":{\"targetingKey\":\"u1\",\"searchesPerDay\":500},"
                    + "\"flags\":[\"results-limit\",\"no-such-flag\"],\"explain\":true}");

            assertThat(r.status()).isEqualTo(200);
            JsonObject limit = r.json().getJsonObject("flags").getJsonObject("results-limit");
            assertThat(limit.getInteger("value")).isEqualTo(50);
            assertThat(limit.getString("ruleId")).isEqualTo("power-users");
            JsonObject explanation = limit.getJsonObject("explanation");
            assertThat(explanation).isNotNull();
            assertThat(explanation.getString("flag")).isEqualTo("results-limit");
            assertThat(explanation.encode()).contains("power-users");
            JsonObject unknown = r.json().getJsonObject("flags").getJsonObject("no-such-flag");
            assertThat(unknown.getString("errorCode")).isEqualTo("FLAG_NOT_FOUND");
            assertThat(unknown.getJsonObject("explanation").getBoolean("found")).isFalse();
        }

        @Test
        void withoutExplainThereIsNoTrace() {
            HttpReply r = sidecar.post("/v1/evaluate", "{\"context\":{\"targetingKey\":\"u1\"},\"explain\":false}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).doesNotContain("explanation");
        }

        @Test
        void flagsThatIsNotAnArrayIs400() {
            HttpReply r = sidecar.post("/v1/evaluate", "{\"flags\":\"static-on\"}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails"))
                    .isEqualTo("\"flags\" must be an array of flag keys, not a string");
        }

        @Test
        void flagsWithANonStringElementIs400() {
            HttpReply r = sidecar.post("/v1/evaluate", "{\"flags\":[\"static-on\", 3]}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).contains("element 1 is a number");
        }

        @Test
        void explainThatIsNotABooleanIs400() {
            HttpReply r = sidecar.post("/v1/evaluate", "{\"explain\":\"yes\"}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).isEqualTo("\"explain\" must be true or false, not a string");
        }

        @Test
        void contextThatIsNotAnObjectIs400InvalidContext() {
            HttpReply r = sidecar.post("/v1/evaluate", "{\"context\":\"u1\"}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("INVALID_CONTEXT");
            assertThat(r.json().getString("errorDetails")).contains("must be a JSON object");
        }

        @Test
        void malformedJsonIs400() {
            HttpReply r = sidecar.post("/v1/evaluate", "{\"context\"");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(r.json().getString("errorDetails")).startsWith("the body is not valid JSON");
        }
    }

    @Nested
    class OneFlag {

        @Test
        void queryParametersBecomeAttributes() {
            HttpReply r = sidecar.get("/v1/flags/premium-feature?targetingKey=u1&country=US&plan=premium");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json()).isEqualTo(new JsonObject().put("key", "premium-feature").put("value", true)
                    .put("variant", "on").put("reason", "TARGETING_MATCH").put("ruleId", "us-premium")
                    .put("version", 1));
        }

        @ParameterizedTest(name = "searchesPerDay={0} -> {1}")
        @CsvSource({"100, large", "250.5, large", "99, default", "1e3, large", "lots, default"})
        void numericQueryParametersAreNumbers(String searches, String variant) {
            HttpReply r = sidecar.get("/v1/flags/results-limit?targetingKey=u1&searchesPerDay=" + searches);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getString("variant")).isEqualTo(variant);
            assertThat(r.json().getString("reason")).isEqualTo(variant.equals("large") ? "TARGETING_MATCH" : "DEFAULT");
            assertThat(r.json().getLong("version")).isEqualTo(1);
        }

        @Test
        void booleanQueryParametersAreBooleans() {
            HttpReply yes = sidecar.get("/v1/flags/results-limit?targetingKey=u1&beta=true");
            HttpReply no = sidecar.get("/v1/flags/results-limit?targetingKey=u1&beta=false");

            assertThat(yes.status()).isEqualTo(200);
            assertThat(yes.json().getInteger("value")).isEqualTo(10);
            assertThat(yes.json().getString("ruleId")).isEqualTo("beta-testers");
            assertThat(no.status()).isEqualTo(200);
            assertThat(no.json().getInteger("value")).isEqualTo(25);
            assertThat(no.json().containsKey("ruleId")).isFalse();
        }

        @Test
        void aNumericTargetingKeyStaysAString() {
            HttpReply r = sidecar.get("/v1/flags/gradual-rollout?targetingKey=12345");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getString("reason")).isEqualTo("SPLIT");
        }

        @Test
        void unknownFlagIs404() {
            HttpReply r = sidecar.get("/v1/flags/no-such-flag?targetingKey=u1");

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json()).isEqualTo(new JsonObject().put("key", "no-such-flag")
                    .put("errorCode", "FLAG_NOT_FOUND").put("errorDetails", "flag 'no-such-flag' not found")
                    .put("version", 1));
        }

        @Test
        void rolloutWithoutTargetingKeyIs400() {
            HttpReply r = sidecar.get("/v1/flags/gradual-rollout");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("TARGETING_KEY_MISSING");
            assertThat(r.json().getString("errorDetails")).contains("targetingKey");
        }
    }

    @Nested
    class ForUser {

        @Test
        void everyFlagsValueForOneUserInTheEarlierShape() {
            HttpReply r = sidecar.get("/users/user-7/flags?country=US&plan=premium");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().fieldNames()).containsExactlyInAnyOrder("userId", "flags");
            assertThat(r.json().getString("userId")).isEqualTo("user-7");
            JsonObject flags = r.json().getJsonObject("flags");
            assertThat(flags.getBoolean("static-on")).isTrue();
            assertThat(flags.getBoolean("switched-off")).isFalse();
            assertThat(flags.getString("button-color")).isEqualTo("green");
            assertThat(flags.getBoolean("premium-feature")).isTrue();
            assertThat(flags.getInteger("results-limit")).isEqualTo(25);
            assertThat(flags.getJsonObject("page-layout").getString("layout")).isEqualTo("cards");
            assertThat(flags.getBoolean("gradual-rollout")).isNotNull();
        }

        @Test
        void theUserIdIsTheTargetingKey() {
            HttpReply targeted = sidecar.get("/users/user-42/flags");

            assertThat(targeted.status()).isEqualTo(200);
            assertThat(targeted.json().getJsonObject("flags").getBoolean("premium-feature")).isTrue();
            assertThat(targeted.json().getString("userId")).isEqualTo("user-42");
        }

        @Test
        void aUserIdNeedingEscapesIsEchoedAsValidJson() {
            HttpReply r = sidecar.get("/users/%22quoted%22%5Cuser/flags");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getString("userId")).isEqualTo("\"quoted\"\\user");
        }

        @Test
        void tooLongAUserIdIs400() {
            HttpReply r = sidecar.get("/users/" + "u".repeat(300) + "/flags");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).isEqualTo("INVALID_CONTEXT");
            assertThat(r.json().getString("errorDetails")).contains("1 to 256 characters");
        }
    }

    @Nested
    class Document {

        @Test
        void servesTheLoadedDocumentAndVersionWithAnETag() {
            HttpReply r = sidecar.get("/v1/flags");

            assertThat(r.status()).isEqualTo(200);
            // The document's SHA-256, the version and the load time: versions start again at 1 after a restart.
            assertThat(r.header("ETag")).matches("\"[A-Za-z0-9_-]{43}\\.1\\.\\d+\"")
                    .isEqualTo(sidecar.main().store().current().etag());
            assertThat(r.json().getLong("version")).isEqualTo(1);
            assertThat(r.json().getString("origin")).endsWith("flags.json");
            assertThat(r.json().getString("loadedAt")).isNotBlank();
            assertThat(r.json().getJsonObject("document")).isEqualTo(new JsonObject(FlagFiles.resource("flags.json")));
        }

        @Test
        void ifNoneMatchIs304() {
            String etag = sidecar.get("/v1/flags").header("ETag");
            HttpReply r = sidecar.get("/v1/flags", "If-None-Match", etag);

            assertThat(r.status()).isEqualTo(304);
            assertThat(r.body()).isEmpty();
            assertThat(r.header("ETag")).isEqualTo(etag);
        }

        @Test
        void staleETagGetsTheDocument() {
            HttpReply r = sidecar.get("/v1/flags", "If-None-Match", "\"v0\"");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getJsonObject("document").getJsonObject("flags").size()).isEqualTo(7);
        }
    }

    @Nested
    class Track {

        @Test
        void acceptedEventsAreCountedInTheMetrics() {
            String event = "checkout-completed-" + System.nanoTime();
            java.time.Instant anHourAgo = java.time.Instant.now().minusSeconds(3600);
            HttpReply r = sidecar.post("/v1/track", "{\"targetingKey\":\"u1\",\"event\":\"" + event
                    + "\",\"value\":42.5,\"timestamp\":\"" + anHourAgo + "\"}");
            HttpReply second = sidecar.post("/v1/track", "{\"targetingKey\":\"u2\",\"event\":\"" + event
                    + "\",\"timestamp\":" + anHourAgo.toEpochMilli() + "}");

            assertThat(r.status()).isEqualTo(202);
            assertThat(r.json()).isEqualTo(new JsonObject().put("status", "accepted"));
            assertThat(second.status()).isEqualTo(202);
            PrometheusText metrics = sidecar.metrics();
            assertThat(metrics.value("guidon_sink_track_events_total", "event", event)).isEqualTo(2.0);
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "missing targetingKey | {\"event\":\"signup\"} | INVALID_CONTEXT | \"targetingKey\" is required",
            "empty targetingKey | {\"targetingKey\":\"\",\"event\":\"signup\"} | INVALID_CONTEXT | \"targetingKey\" is required",
            "numeric targetingKey | {\"targetingKey\":7,\"event\":\"signup\"} | INVALID_CONTEXT | \"targetingKey\" is required",
            "missing event | {\"targetingKey\":\"u1\"} | PARSE_ERROR | \"event\" is required",
            "bad event name | {\"targetingKey\":\"u1\",\"event\":\"sign up!\"} | PARSE_ERROR | \"event\" is required",
            "non-numeric value | {\"targetingKey\":\"u1\",\"event\":\"signup\",\"value\":\"12\"} | PARSE_ERROR | \"value\" must be a number, not a string",
            "bad timestamp | {\"targetingKey\":\"u1\",\"event\":\"signup\",\"timestamp\":\"yesterday\"} | PARSE_ERROR | \"timestamp\" must be an ISO-8601 instant",
            "fractional timestamp | {\"targetingKey\":\"u1\",\"event\":\"signup\",\"timestamp\":1.5} | PARSE_ERROR | \"timestamp\" must be an ISO-8601 instant",
            "unknown field | {\"targetingKey\":\"u1\",\"event\":\"signup\",\"user\":\"u1\"} | PARSE_ERROR | unknown field \"user\"",
            "malformed JSON | {\"targetingKey\":\"u1\", | PARSE_ERROR | not valid JSON",
            "not an object | [\"signup\"] | PARSE_ERROR | must be a JSON object",
        })
        void badInputIs400WithAMessage(String what, String body, String code, String details) {
            HttpReply r = sidecar.post("/v1/track", body);

            assertThat(r.status()).as(what).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).as(what).isEqualTo(code);
            assertThat(r.json().getString("errorDetails")).as(what).contains(details);
        }

        @Test
        void rejectedEventsAreNotCounted() {
            sidecar.post("/v1/track", "{\"targetingKey\":\"u1\",\"event\":\"never-counted\",\"value\":\"x\"}");

            PrometheusText metrics = sidecar.metrics();
            assertThat(metrics.value("guidon_sink_track_events_total", "event", "never-counted")).isNull();
        }
    }

    /** What is an exposure (ADR 0203): a single read with a subject; a bulk evaluation only counts. */
    @Nested
    class Exposures {

        /** Every flag of the sidecar's test document. */
        static final int FLAGS = 7;

        double exposures() {
            return sidecar.metrics().samples("guidon_sink_exposures_total").stream()
                    .mapToDouble(PrometheusText.Sample::value).sum();
        }

        double evaluations() {
            return sidecar.metrics().samples("guidon_evaluations_total").stream()
                    .mapToDouble(PrometheusText.Sample::value).sum();
        }

        @Test
        void aBulkRequestOfEveryFlagCountsEachAndRecordsNoExposure() {
            double exposed = exposures();
            double evaluated = evaluations();

            HttpReply ofrep = sidecar.post("/ofrep/v1/evaluate/flags", "{\"context\":{\"targetingKey\":\"bulk-1\"}}");
            HttpReply nativeAll = sidecar.post("/v1/evaluate", "{\"context\":{\"targetingKey\":\"bulk-1\"}}");
            HttpReply nativeNamed = sidecar.post("/v1/evaluate",
                    "{\"context\":{\"targetingKey\":\"bulk-1\"},\"flags\":[\"page-layout\"],\"explain\":true}");
            HttpReply user = sidecar.get("/users/bulk-1/flags");

            assertThat(ofrep.json().getJsonArray("flags")).hasSize(FLAGS);
            assertThat(nativeAll.json().getJsonObject("flags").fieldNames()).hasSize(FLAGS);
            assertThat(nativeNamed.status()).isEqualTo(200);
            assertThat(user.status()).isEqualTo(200);
            assertThat(exposures()).as("no exposure from any bulk evaluation").isEqualTo(exposed);
            assertThat(evaluations()).as("every flag of every bulk request counted").isEqualTo(evaluated + 3 * FLAGS + 1);
        }

        @Test
        void aSingleReadWithATargetingKeyIsOneExposureAndOneEvaluation() {
            double exposed = sidecar.metrics().count("guidon_sink_exposures_total", "flag", "page-layout", "variant",
                    "cards");
            double evaluated = evaluations();

            sidecar.post("/ofrep/v1/evaluate/flags/page-layout", "{\"context\":{\"targetingKey\":\"u1\"}}");
            sidecar.get("/v1/flags/page-layout?targetingKey=u1");

            assertThat(sidecar.metrics().count("guidon_sink_exposures_total", "flag", "page-layout", "variant", "cards"))
                    .isEqualTo(exposed + 2);
            assertThat(evaluations()).isEqualTo(evaluated + 2);
        }

        @Test
        void aSingleReadWithoutATargetingKeyIsCountedButIsNoExposure() {
            double exposed = exposures();
            double evaluated = evaluations();
            double unrecordable = sidecar.metrics().samples("guidon_events_unrecordable_total").stream()
                    .mapToDouble(PrometheusText.Sample::value).sum();

            assertThat(sidecar.post("/ofrep/v1/evaluate/flags/page-layout", "{}").status()).isEqualTo(200);
            assertThat(sidecar.get("/v1/flags/page-layout").status()).isEqualTo(200);

            assertThat(exposures()).as("an anonymous read cannot be attributed").isEqualTo(exposed);
            assertThat(evaluations()).isEqualTo(evaluated + 2);
            assertThat(sidecar.metrics().samples("guidon_events_unrecordable_total").stream()
                    .mapToDouble(PrometheusText.Sample::value).sum())
                    .as("anonymous is not unrecordable: there was nothing to record").isEqualTo(unrecordable);
        }

        @Test
        void failedEvaluationsAreNotExposures() {
            double start = sidecar.metrics()
                    .count("guidon_sink_exposures_total", "flag", "gradual-rollout");

            HttpReply r = sidecar.post("/ofrep/v1/evaluate/flags/gradual-rollout", "{}");

            assertThat(r.status()).isEqualTo(400);
            PrometheusText after = sidecar.metrics();
            assertThat(after.samples("guidon_sink_exposures_total").stream()
                    .filter(s -> "gradual-rollout".equals(s.labels().get("flag")))
                    .mapToDouble(PrometheusText.Sample::value).sum()).isEqualTo(start);
        }
    }

    /** {@code POST /v1/exposures}: flags read after a bulk fetch, evaluated again and recorded as exposures. */
    @Nested
    class ExposureReports {

        double exposed(String flag, String variant) {
            return sidecar.metrics().count("guidon_sink_exposures_total", "flag", flag, "variant", variant);
        }

        double allExposures() {
            return sidecar.metrics().samples("guidon_sink_exposures_total").stream()
                    .mapToDouble(PrometheusText.Sample::value).sum();
        }

        double evaluations() {
            return sidecar.metrics().samples("guidon_evaluations_total").stream()
                    .mapToDouble(PrometheusText.Sample::value).sum();
        }

        @Test
        void theReportedFlagsAreRecordedWithTheVariantServedNowAndAStaleOneSaysVariantChanged() {
            double all = allExposures();
            double layout = exposed("page-layout", "cards");
            double premium = exposed("premium-feature", "on");
            double evaluated = evaluations();

            // user-42 is a target of premium-feature (on); the client's copy says off: stale.
            HttpReply r = sidecar.post("/v1/exposures", "{\"context\":{\"targetingKey\":\"user-42\"},\"flags\":["
                    + "{\"key\":\"page-layout\",\"variant\":\"cards\"},"
                    + "{\"key\":\"premium-feature\",\"variant\":\"off\"},"
                    + "{\"key\":\"no-such-flag\",\"variant\":\"on\"}]}");

            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonObject body = r.json();
            assertThat(body.getLong("version")).isPositive();
            assertThat(body.getInteger("recorded")).isEqualTo(2);
            assertThat(body.getJsonArray("flags").getJsonObject(0)).isEqualTo(new JsonObject().put("key", "page-layout")
                    .put("status", "RECORDED").put("variant", "cards")
                    .put("value", new JsonObject().put("layout", "cards").put("columns", 2)));
            assertThat(body.getJsonArray("flags").getJsonObject(1)).isEqualTo(new JsonObject()
                    .put("key", "premium-feature").put("status", "VARIANT_CHANGED").put("variant", "on")
                    .put("value", true).put("reportedVariant", "off"));
            JsonObject missing = body.getJsonArray("flags").getJsonObject(2);
            assertThat(missing.getString("status")).isEqualTo("NOT_RECORDED");
            assertThat(missing.getString("errorCode")).isEqualTo("FLAG_NOT_FOUND");
            assertThat(missing.getString("errorDetails")).contains("no-such-flag");

            assertThat(exposed("page-layout", "cards")).isEqualTo(layout + 1);
            assertThat(exposed("premium-feature", "on")).as("the variant served now").isEqualTo(premium + 1);
            assertThat(allExposures()).as("exactly the two flags found").isEqualTo(all + 2);
            assertThat(evaluations()).as("a report serves nothing, so counts no evaluation").isEqualTo(evaluated);
        }

        @Test
        void aReportWithoutATargetingKeyIs400AndRecordsNothing() {
            double all = allExposures();

            HttpReply none = sidecar.post("/v1/exposures", "{\"flags\":[{\"key\":\"page-layout\",\"variant\":\"cards\"}]}");
            HttpReply anonymous = sidecar.post("/v1/exposures", "{\"context\":{\"country\":\"FR\"},"
                    + "\"flags\":[{\"key\":\"page-layout\",\"variant\":\"cards\"}]}");

            for (HttpReply r : new HttpReply[] {none, anonymous}) {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.json().getString("errorCode")).isEqualTo("TARGETING_KEY_MISSING");
                assertThat(r.json().getString("errorDetails")).contains("context.targetingKey")
                        .contains("an exposure needs a subject");
            }
            assertThat(allExposures()).isEqualTo(all);
        }

        @Test
        void moreThan100FlagsIs400AndRecordsNothing() {
            double all = allExposures();
            String entry = "{\"key\":\"page-layout\",\"variant\":\"cards\"}";

            HttpReply over = sidecar.post("/v1/exposures", "{\"context\":{\"targetingKey\":\"u1\"},\"flags\":["
                    + String.join(",", java.util.Collections.nCopies(101, entry)) + "]}");
            HttpReply limit = sidecar.post("/v1/exposures", "{\"context\":{\"targetingKey\":\"u1\"},\"flags\":["
                    + String.join(",", java.util.Collections.nCopies(100, entry)) + "]}");

            assertThat(over.status()).isEqualTo(400);
            assertThat(over.json().getString("errorCode")).isEqualTo("PARSE_ERROR");
            assertThat(over.json().getString("errorDetails")).contains("\"flags\" holds 101 entries; at most 100");
            assertThat(limit.status()).as("100 is allowed").isEqualTo(200);
            assertThat(limit.json().getInteger("recorded")).isEqualTo(100);
            assertThat(allExposures()).as("only the 100 of the allowed report").isEqualTo(all + 100);
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "no flags | {\"context\":{\"targetingKey\":\"u1\"}} | PARSE_ERROR | \"flags\" is required",
            "flags not an array | {\"context\":{\"targetingKey\":\"u1\"},\"flags\":{}} | PARSE_ERROR | \"flags\" is required",
            "an entry not an object | {\"context\":{\"targetingKey\":\"u1\"},\"flags\":[{\"key\":\"static-on\",\"variant\":\"on\"},\"static-on\"]} | PARSE_ERROR | \"flags[1]\" must be an object",
            "no key | {\"context\":{\"targetingKey\":\"u1\"},\"flags\":[{\"variant\":\"on\"}]} | PARSE_ERROR | \"flags[0].key\" is required",
            "variant a number | {\"context\":{\"targetingKey\":\"u1\"},\"flags\":[{\"key\":\"static-on\",\"variant\":\"on\"},{\"key\":\"static-on\",\"variant\":1}]} | PARSE_ERROR | \"flags[1].variant\" is required",
            "unknown field in an entry | {\"context\":{\"targetingKey\":\"u1\"},\"flags\":[{\"key\":\"static-on\",\"variant\":\"on\",\"value\":true}]} | PARSE_ERROR | unknown field \"value\" in \"flags[0]\"",
            "unknown top-level field | {\"targetingKey\":\"u1\",\"flags\":[]} | PARSE_ERROR | unknown field \"targetingKey\"",
            "300-character key | {\"context\":{\"targetingKey\":\"KEY300\"},\"flags\":[]} | INVALID_CONTEXT | at most 256 characters",
        })
        void aMalformedReportIs400NamingTheFieldAndRecordsNothing(String what, String body, String code,
                String details) {
            double all = allExposures();

            HttpReply r = sidecar.post("/v1/exposures", body.replace("KEY300", "k".repeat(300)));

            assertThat(r.status()).as(what).isEqualTo(400);
            assertThat(r.json().getString("errorCode")).as(what).isEqualTo(code);
            assertThat(r.json().getString("errorDetails")).as(what).contains(details);
            assertThat(allExposures()).as(what + ": the valid entry before the bad one is not recorded").isEqualTo(all);
        }
    }
}
