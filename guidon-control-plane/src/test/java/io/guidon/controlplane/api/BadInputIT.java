package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets a clear 4xx problem (with the path of each error for validation) and changes
 * nothing: no resource, no environment version, no audit entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

    static Harness cp;
    static String admin;

    @BeforeAll
    void start() throws Exception {
        // A small body limit, so that the 413 needs no megabytes.
        cp = Harness.start(Map.of("http.max-body-size", "4KiB"));
        admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        cp.post("/api/v1/environments", admin, Map.of("key", "staging"));
        cp.post("/api/v1/flags", admin, Map.of("key", "existing", "variants", Map.of("on", true, "off", false)));
        cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "seg"));
    }

    @AfterAll
    void stop() throws Exception {
        cp.close();
    }

    /** A request, what must come back, and the path of the error (null when the problem has no errors list). */
    record Case(String name, String method, String path, String body, String contentType, int status, String type,
            String errorPath) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String FLAGS = "/api/v1/flags";
    private static final String ENV_FLAG = "/api/v1/environments/production/flags/existing";
    private static final String SEGMENTS = "/api/v1/environments/production/segments";

    static Stream<Arguments> cases() {
        String deep = "[".repeat(100) + "]".repeat(100);
        String big = "{\"key\":\"big\",\"description\":\"" + "x".repeat(5000) + "\",\"variants\":{\"a\":1}}";
        return Stream.of(
                new Case("malformed JSON", "POST", FLAGS, "{\"key\":", "application/json", 400, "malformed-request", null),
                new Case("a JSON array instead of an object", "POST", FLAGS, "[1,2]", "application/json", 400,
                        "malformed-request", null),
                new Case("an empty body", "POST", FLAGS, "", "application/json", 400, "malformed-request", null),
                new Case("duplicate keys", "POST", FLAGS, "{\"key\":\"a\",\"key\":\"b\"}", "application/json", 400,
                        "malformed-request", null),
                new Case("not JSON at all", "POST", FLAGS, "key=a", "application/x-www-form-urlencoded", 415,
                        "unsupported-media-type", null),
                new Case("an oversized body", "POST", FLAGS, big, "application/json", 413, "too-large", null),
                new Case("too deeply nested JSON", "POST", FLAGS, "{\"variants\":" + deep + "}", "application/json",
                        400, "limit-exceeded", "variants" + "[0]".repeat(63)),
                new Case("an unknown field", "POST", FLAGS,
                        "{\"key\":\"a\",\"variants\":{\"on\":true},\"colour\":\"red\"}", "application/json", 422,
                        "validation", "colour"),
                new Case("a key with a space and capitals", "POST", FLAGS,
                        "{\"key\":\"Bad Key\",\"variants\":{\"on\":true}}", "application/json", 422, "validation", "key"),
                new Case("a key of 129 characters", "POST", FLAGS, "{\"key\":\"" + "a".repeat(129)
                        + "\",\"variants\":{\"on\":true}}", "application/json", 422, "validation", "key"),
                new Case("a key starting with a dash", "POST", FLAGS, "{\"key\":\"-x\",\"variants\":{\"on\":true}}",
                        "application/json", 422, "validation", "key"),
                new Case("a key that is a number", "POST", FLAGS, "{\"key\":42,\"variants\":{\"on\":true}}",
                        "application/json", 422, "validation", "key"),
                new Case("a script in a description", "POST", FLAGS,
                        "{\"key\":\"x1\",\"description\":\"<script>alert(1)</script>\",\"variants\":{\"on\":true}}",
                        "application/json", 422, "validation", "description"),
                new Case("a bold tag in a description", "POST", FLAGS,
                        "{\"key\":\"x2\",\"description\":\"<b>new</b>\",\"variants\":{\"on\":true}}",
                        "application/json", 422, "validation", "description"),
                new Case("markup in an environment name", "POST", "/api/v1/environments",
                        "{\"key\":\"x3\",\"name\":\"<img src=x onerror=alert(1)>\"}", "application/json", 422,
                        "validation", "name"),
                new Case("markup in a segment description", "POST", SEGMENTS,
                        "{\"key\":\"x4\",\"description\":\"<i>x</i>\"}", "application/json", 422, "validation",
                        "description"),
                new Case("markup in a rule description", "PUT", ENV_FLAG,
                        "{\"enabled\":true,\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"},\"rules\":"
                                + "[{\"id\":\"r\",\"description\":\"<a href=x>\",\"when\":{\"attribute\":\"a\","
                                + "\"op\":\"exists\"},\"serve\":{\"variant\":\"on\"}}]}", "application/json", 422,
                        "validation", "rules[0].description"),
                new Case("markup in a key name", "POST", "/api/v1/keys", "{\"name\":\"<x>\",\"role\":\"viewer\"}",
                        "application/json", 422, "validation", "name"),
                new Case("a right-to-left override in a tag", "POST", FLAGS,
                        "{\"key\":\"x6\",\"variants\":{\"on\":true},\"tags\":[\"\\u202egat\"]}", "application/json",
                        422, "validation", "tags[0]"),
                new Case("a bidirectional isolate in a flag name", "POST", FLAGS,
                        "{\"key\":\"x7\",\"variants\":{\"on\":true},\"name\":\"a\\u2066b\"}", "application/json",
                        422, "validation", "name"),
                new Case("tags that are not strings", "POST", FLAGS,
                        "{\"key\":\"x5\",\"variants\":{\"on\":true},\"tags\":[1]}", "application/json", 422,
                        "validation", "tags[0]"),
                new Case("variants that are not an object", "POST", FLAGS, "{\"key\":\"x6\",\"variants\":\"on\"}",
                        "application/json", 422, "validation", "variants"),
                new Case("variants of mixed types", "POST", FLAGS,
                        "{\"key\":\"x7\",\"variants\":{\"on\":true,\"off\":\"no\"}}", "application/json", 422,
                        "validation", "variants.off"),
                new Case("missing variants", "POST", FLAGS, "{\"key\":\"x8\"}", "application/json", 422, "validation",
                        "variants"),
                new Case("metadata that is not an object", "POST", FLAGS,
                        "{\"key\":\"x9\",\"variants\":{\"on\":true},\"metadata\":[1]}", "application/json", 422,
                        "validation", "metadata"),
                new Case("enabled as a string", "PUT", ENV_FLAG + "/enabled", "{\"enabled\":\"yes\"}",
                        "application/json", 422, "validation", "enabled"),
                new Case("a percentage that is text", "PUT", ENV_FLAG + "/rollout", "{\"percentage\":\"ten\"}",
                        "application/json", 422, "validation", "percentage"),
                new Case("a configuration without enabled", "PUT", ENV_FLAG,
                        "{\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"}}", "application/json", 422,
                        "validation", "enabled"),
                new Case("a clause with an unknown operator", "PUT", ENV_FLAG,
                        "{\"enabled\":true,\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"},\"rules\":"
                                + "[{\"id\":\"r\",\"when\":{\"attribute\":\"a\",\"op\":\"like\",\"values\":[\"x\"]},"
                                + "\"serve\":{\"variant\":\"on\"}}]}", "application/json", 422, "validation",
                        "rules[0].when.op"),
                new Case("a segment with included as a string", "POST", SEGMENTS, "{\"key\":\"x10\",\"included\":\"u\"}",
                        "application/json", 422, "validation", "included"),
                new Case("a role that does not exist", "POST", "/api/v1/keys", "{\"name\":\"k\",\"role\":\"owner\"}",
                        "application/json", 422, "validation", "role"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsAClearProblemAndChangesNothing(Case c) {
        long auditBefore = total("/api/v1/audit");
        long versionBefore = version();
        String ifMatch = c.method().equals("PUT") && c.path().equals(ENV_FLAG)
                ? cp.get(ENV_FLAG, admin).header("ETag") : "*";

        Resp r = cp.call(c.method(), c.path(), admin, c.body(), "Content-Type", c.contentType(), "If-Match", ifMatch);

        assertThat(r.status()).as(r.body()).isEqualTo(c.status());
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.get("type").asText()).isEqualTo("https://guidon.io/problems/" + c.type());
        assertThat(problem.get("status").asInt()).isEqualTo(c.status());
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(problem.get("instance").asText()).isEqualTo("urn:guidon:request:" + r.header("X-Request-Id"));
        if (c.errorPath() != null) {
            assertThat(problem.get("errors").findValuesAsText("path")).contains(c.errorPath());
            assertThat(problem.get("errors").findValuesAsText("message")).allSatisfy(m -> assertThat(m).isNotBlank());
        }
        assertThat(total("/api/v1/audit")).isEqualTo(auditBefore);
        assertThat(version()).isEqualTo(versionBefore);
        assertThat(cp.get(ENV_FLAG, admin).json().get("revision").asInt()).isEqualTo(1);
    }

    @Test
    void everyValidationErrorOfOneBodyIsReportedAtOnce() {
        Resp r = cp.post(FLAGS, admin, Map.of("key", "Bad Key", "description", "<p>", "tags", List.of(1, "ok"),
                "extra", true, "variants", Map.of("on", true)));

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").findValuesAsText("path"))
                .containsExactlyInAnyOrder("extra", "key", "description", "tags[0]");
    }

    @Test
    void aConfigurationsShapeErrorsAndTheEnginesErrorsAreReportedTogether() {
        long auditBefore = total("/api/v1/audit");
        String etag = cp.get(ENV_FLAG, admin).header("ETag");

        Resp r = cp.call("PUT", ENV_FLAG, admin, "{\"enabled\":true,\"colour\":\"red\",\"description\":\"changed\","
                + "\"offVariant\":\"nope\",\"fallthrough\":{\"variant\":\"on\"},\"rules\":[{\"id\":\"r\","
                + "\"description\":\"<b>\",\"when\":{\"attribute\":\"a\",\"op\":\"like\",\"values\":[\"x\"]},"
                + "\"serve\":{\"variant\":\"on\"}}]}", "If-Match", etag);

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("errors").findValuesAsText("path")).contains(
                // the request's shape
                "colour", "rules[0].description", "description",
                // the engine's
                "offVariant", "rules[0].when.op");
        assertThat(total("/api/v1/audit")).isEqualTo(auditBefore);
        assertThat(cp.get(ENV_FLAG, admin).header("ETag")).isEqualTo(etag);
    }

    // ------------------------------------------------ the request's shape errors and the engine's, in one answer

    /** What a write must leave as it was: the audit log, every environment's version and the resource read back. */
    private record Unchanged(long audit, long production, long staging, Resp resource) {
    }

    private Unchanged snapshot(String resource) {
        return new Unchanged(total("/api/v1/audit"), version("production"), version("staging"),
                cp.get(resource, admin));
    }

    /** One 422 problem listing exactly {@code paths} (each once), and nothing changed. */
    private void assertOneAnswerWithAll(Resp r, Unchanged before, String resource, String... paths) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.json().get("type").asText()).isEqualTo("https://guidon.io/problems/validation");
        assertThat(r.json().get("errors").findValuesAsText("path")).containsExactlyInAnyOrder(paths);
        assertThat(r.json().get("errors").findValuesAsText("message")).allSatisfy(m -> assertThat(m).isNotBlank());
        Unchanged after = snapshot(resource);
        assertThat(after.audit()).isEqualTo(before.audit());
        assertThat(after.production()).isEqualTo(before.production());
        assertThat(after.staging()).isEqualTo(before.staging());
        assertThat(after.resource().status()).isEqualTo(before.resource().status());
        if (before.resource().status() == 200) {
            assertThat(after.resource().body()).isEqualTo(before.resource().body());
        }
    }

    @Test
    void aFlagCreationsShapeErrorsAndTheEnginesAreReportedTogether() {
        Unchanged before = snapshot(FLAGS + "/both-create");

        Resp r = cp.post(FLAGS, admin, Map.of("key", "both-create", "colour", "red", "description", "<b>new</b>",
                "tags", List.of(1), "variants", Map.of("on", true, "off", "no")));

        // colour, description and tags[0] are the request's shape; variants.off is the engine's (mixed types).
        assertOneAnswerWithAll(r, before, FLAGS + "/both-create", "colour", "description", "tags[0]", "variants.off");
    }

    @Test
    void aFlagCreationWithoutAValidKeyStillGetsTheEnginesErrors() {
        Unchanged before = snapshot(FLAGS);

        Resp r = cp.post(FLAGS, admin, Map.of("key", "Bad Key", "variants", Map.of("on", true, "off", "no"),
                "metadata", List.of(1)));

        assertOneAnswerWithAll(r, before, FLAGS, "key", "variants.off", "metadata");
    }

    @Test
    void aFlagCreationWithAnUndeclaredOffVariantIsReportedOnce() {
        Unchanged before = snapshot(FLAGS + "/off-once");

        Resp r = cp.post(FLAGS, admin, Map.of("key", "off-once", "offVariant", "nope", "variants",
                Map.of("on", true, "off", 0)));

        assertOneAnswerWithAll(r, before, FLAGS + "/off-once", "offVariant", "variants.off");
    }

    @Test
    void aFlagUpdatesShapeErrorsAndTheEnginesErrorsOfEveryEnvironmentAreReportedTogether() {
        Unchanged before = snapshot(FLAGS + "/existing");

        // "off" is gone: the configuration in each environment still serves it (the engine's errors, one set per
        // environment); the unknown field and the tag are the request's shape.
        Resp r = cp.call("PUT", FLAGS + "/existing", admin, Map.of("colour", 1, "tags", List.of(""), "variants",
                Map.of("on", true, "no", false)), "If-Match", before.resource().header("ETag"));

        assertOneAnswerWithAll(r, before, FLAGS + "/existing", "colour", "tags[0]",
                "environments.production.flags.existing.offVariant",
                "environments.production.flags.existing.fallthrough.variant",
                "environments.staging.flags.existing.offVariant",
                "environments.staging.flags.existing.fallthrough.variant");
    }

    @Test
    void aSegmentCreationsShapeErrorsAndTheEnginesAreReportedTogether() {
        Unchanged before = snapshot(SEGMENTS + "/both-create");

        Resp r = cp.post(SEGMENTS, admin, Map.of("key", "both-create", "colour", 1, "description", "<i>x</i>",
                "included", "u", "rules", List.of(Map.of("attribute", "a", "op", "like", "values", List.of("x")))));

        assertOneAnswerWithAll(r, before, SEGMENTS + "/both-create", "colour", "description", "included",
                "rules[0].op");
    }

    @Test
    void aSegmentCreationWithoutAValidKeyStillGetsTheEnginesErrors() {
        Unchanged before = snapshot(SEGMENTS);

        Resp r = cp.post(SEGMENTS, admin, Map.of("key", "Bad Key", "excluded", List.of(1),
                "rules", List.of(Map.of("segment", "no-such-segment"))));

        assertOneAnswerWithAll(r, before, SEGMENTS, "key", "excluded[0]", "rules[0].segment");
    }

    @Test
    void aSegmentThatMakesAChainTooLongIsRefusedAtItsReference() {
        // Finding 9: creating c1 on top of an 8-deep chain answered "path": "".
        for (int i = 8; i >= 1; i--) {
            Object rule = i == 8 ? Map.of("attribute", "plan", "op", "in", "values", List.of("x"))
                    : Map.of("segment", "chain" + (i + 1));
            assertThat(cp.post(SEGMENTS, admin, Map.of("key", "chain" + i, "rules", List.of(rule))).status())
                    .isEqualTo(201);
        }
        Unchanged before = snapshot(SEGMENTS + "/chain0");

        Resp r = cp.post(SEGMENTS, admin, Map.of("key", "chain0", "rules", List.of(Map.of("segment", "chain1"))));

        assertOneAnswerWithAll(r, before, SEGMENTS + "/chain0", "rules[0].segment");
        assertThat(r.body()).contains("segments reference segments 9 deep");
    }

    @Test
    void aRegexThatRepeatsTooMuchIsRefusedAtOnceAtItsValue() {
        // Second tester, R1: this 60-byte pattern expands to over a billion RE2 instructions; compiling it froze
        // the control plane and ran it out of memory. It must be refused before RE2/J sees it.
        Unchanged before = snapshot(SEGMENTS + "/rx");

        Resp r = cp.post(SEGMENTS, admin, Map.of("key", "rx", "rules", List.of(Map.of("attribute", "s", "op",
                "matches", "values", List.of("(((((((((a{10}){10}){10}){10}){10}){10}){10}){10}){10})")))));

        assertOneAnswerWithAll(r, before, SEGMENTS + "/rx", "rules[0].values[0]");
        assertThat(r.body()).contains("repeats too much");
    }

    @Test
    void aSegmentWhoseEvaluationCostsTooMuchIsRefused() {
        // Finding 1: each level any of 20 references to the next multiplies the cost by 20; the fifth level passes
        // the limit of evaluation steps (cost4 2 steps, cost3 62, cost2 1,262, cost1 25,262, cost0 505,262).
        for (int level = 3; level >= 1; level--) {
            List<Object> refs = new java.util.ArrayList<>();
            for (int k = 0; k < 20; k++) {
                refs.add(Map.of("segment", "cost" + (level + 1)));
            }
            if (level == 3) {
                assertThat(cp.post(SEGMENTS, admin, Map.of("key", "cost4", "rules", List.of(Map.of("attribute", "a",
                        "op", "in", "values", List.of("x"))))).status()).isEqualTo(201);
            }
            assertThat(cp.post(SEGMENTS, admin, Map.of("key", "cost" + level, "rules",
                    List.of(Map.of("any", refs)))).status()).isEqualTo(201);
        }
        List<Object> refs = new java.util.ArrayList<>();
        for (int k = 0; k < 20; k++) {
            refs.add(Map.of("segment", "cost1"));
        }
        Unchanged before = snapshot(SEGMENTS + "/cost0");

        Resp r = cp.post(SEGMENTS, admin, Map.of("key", "cost0", "rules", List.of(Map.of("any", refs))));

        assertOneAnswerWithAll(r, before, SEGMENTS + "/cost0", "rules[0]");
        assertThat(r.body()).contains("testing segment 'cost0' can take up to", "at most 100000");
    }

    @Test
    void aSegmentUpdatesShapeErrorsAndTheEnginesAreReportedTogether() {
        Unchanged before = snapshot(SEGMENTS + "/seg");

        Resp r = cp.call("PUT", SEGMENTS + "/seg", admin, Map.of("key", "other", "colour", 1, "excluded", 5),
                "If-Match", before.resource().header("ETag"));

        assertOneAnswerWithAll(r, before, SEGMENTS + "/seg", "key", "colour", "excluded");
    }

    @Test
    void aRolloutsShapeErrorsAndTheEnginesAreReportedTogether() {
        Unchanged before = snapshot(ENV_FLAG);

        Resp r = cp.call("PUT", ENV_FLAG + "/rollout", admin, Map.of("colour", 1, "bucketBy", 5,
                "rollout", Map.of("on", 10, "nope", 90)), "If-Match", before.resource().header("ETag"));

        assertOneAnswerWithAll(r, before, ENV_FLAG, "colour", "bucketBy", "fallthrough.rollout.nope");
    }

    @Test
    void aPercentageForANonBooleanFlagIsReportedWithTheRequestsOtherErrors() {
        cp.post(FLAGS, admin, Map.of("key", "three-way", "variants", Map.of("a", "x", "b", "y", "c", "z")));
        String path = "/api/v1/environments/production/flags/three-way";
        Unchanged before = snapshot(path);

        Resp r = cp.call("PUT", path + "/rollout", admin, Map.of("percentage", 10, "colour", 1));

        assertOneAnswerWithAll(r, before, path, "colour", "percentage");
    }

    @Test
    void aTenantWithoutEnvironmentsStillHasItsFlagDefinitionsValidated() {
        String lone = cp.bootstrap("no-environments");
        long audit = cp.get("/api/v1/audit", lone).json().get("total").asLong();

        Resp created = cp.post(FLAGS, lone, Map.of("key", "mixed", "variants", Map.of("on", true, "off", "no")));
        assertThat(created.status()).as(created.body()).isEqualTo(422);
        assertThat(created.json().get("errors").findValuesAsText("path")).containsExactly("variants.off");
        assertThat(cp.get(FLAGS + "/mixed", lone).status()).isEqualTo(404);

        Resp fine = cp.post(FLAGS, lone, Map.of("key", "fine", "variants", Map.of("on", true, "off", false)));
        assertThat(fine.status()).as(fine.body()).isEqualTo(201);
        Resp updated = cp.call("PUT", FLAGS + "/fine", lone, Map.of("colour", 1, "variants",
                Map.of("on", true, "off", "no")), "If-Match", fine.header("ETag"));
        assertThat(updated.status()).as(updated.body()).isEqualTo(422);
        assertThat(updated.json().get("errors").findValuesAsText("path")).containsExactlyInAnyOrder("colour",
                "variants.off");
        assertThat(cp.get(FLAGS + "/fine", lone).body()).isEqualTo(fine.body());
        assertThat(cp.get("/api/v1/audit", lone).json().get("total").asLong()).isEqualTo(audit + 1);
    }

    @Test
    void unknownRoutesAndMethodsAreProblemsToo() {
        Resp unknown = cp.get("/api/v1/nothing-here", admin);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).isEqualTo("application/problem+json");
        Resp method = cp.call("PATCH", "/api/v1/flags", admin, "{}");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.json().get("status").asInt()).isEqualTo(405);
        assertThat(method.header("Allow")).isEqualTo("GET, POST");
    }

    private long total(String path) {
        return cp.get(path, admin).json().get("total").asLong();
    }

    private long version() {
        return version("production");
    }

    private long version(String env) {
        return cp.get("/api/v1/environments/" + env, admin).json().get("version").asLong();
    }
}
