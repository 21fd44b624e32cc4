package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.controlplane.auth.Role;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The edge of the control plane: text and numbers no store holds exactly (U+0000, unpaired surrogates, numbers
 * beyond the double range or underflowing to zero, instants beyond years 1 to 9999) in any path parameter, query
 * parameter or JSON field are a 400 that names where, and change nothing; and the answers to natural mistakes
 * (a wrong method, a misspelt query parameter, bad percent-encoding, a body beyond a parser limit) are clear
 * problems with safe headers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENV_FLAG = "/api/v1/environments/production/flags/f";

    Harness cp;
    String admin;
    String sidecar;
    String keyId;

    @BeforeAll
    void start() throws Exception {
        cp = Harness.start(Map.of("http.max-body-size", "64KiB"));
        admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/flags", admin, Map.of("key", "f", "description", "a flag",
                "variants", Map.of("on", true, "off", false))).status()).isEqualTo(201);
        assertThat(cp.post("/api/v1/environments/production/segments", admin, Map.of("key", "seg",
                "included", List.of("u1"))).status()).isEqualTo(201);
        Resp key = cp.createKey(admin, "edge sidecar", "sidecar", "production");
        assertThat(key.status()).isEqualTo(201);
        sidecar = key.json().get("key").asText();
        keyId = key.json().get("id").asText();
    }

    @AfterAll
    void stop() throws Exception {
        cp.close();
    }

    // ------------------------------------------------------------------ the examples

    @Test
    void aNulInAFlagKeyOfThePathIs400NamingTheParameterNot500() {
        Resp r = cp.get("/api/v1/flags/x%00", admin);

        assertProblem(r, 400, "invalid-parameter", "flag");
        assertThat(r.json().get("errors").get(0).get("message").asText()).contains("U+0000");
    }

    @Test
    void aNulInAVariantValueIs400NamingItsPathAndCreatesNothing() {
        Map<String, JsonNode> before = state();

        Resp r = cp.call("POST", "/api/v1/flags", admin,
                "{\"key\":\"n1\",\"variants\":{\"on\":\"a\\u0000b\",\"off\":\"c\"}}");

        assertProblem(r, 400, "unsupported-value", "variants.on");
        assertThat(cp.get("/api/v1/flags/n1", admin).status()).isEqualTo(404);
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void aPercentageOf1e400Is400NamingItNot500() {
        Map<String, JsonNode> before = state();

        Resp r = cp.call("PUT", ENV_FLAG + "/rollout", admin, "{\"percentage\":1e400}");

        assertProblem(r, 400, "unsupported-value", "percentage");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void aRuleValueOf1e400IsRefusedNotStoredAsTheStringInfinity() {
        Map<String, JsonNode> before = state();
        String etag = cp.get(ENV_FLAG, admin).header("ETag");

        Resp r = cp.call("PUT", ENV_FLAG, admin, "{\"enabled\":true,\"offVariant\":\"off\",\"rules\":[{\"id\":\"r\","
                + "\"when\":{\"attribute\":\"n\",\"op\":\"in\",\"values\":[1e400]},\"serve\":{\"variant\":\"on\"}}],"
                + "\"fallthrough\":{\"variant\":\"off\"}}", "If-Match", etag);

        assertProblem(r, 400, "unsupported-value", "rules[0].when.values[0]");
        assertThat(cp.get(ENV_FLAG, admin).body()).doesNotContain("Infinity");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void aLoneSurrogateInADescriptionIsRefusedNotStoredAsAQuestionMark() {
        Map<String, JsonNode> before = state();

        Resp r = cp.call("POST", "/api/v1/flags", admin,
                "{\"key\":\"n2\",\"description\":\"caf\\ud800\",\"variants\":{\"on\":true,\"off\":false}}");

        assertProblem(r, 400, "unsupported-value", "description");
        assertThat(r.json().get("errors").get(0).get("message").asText()).contains("U+D800");
        assertThat(cp.get("/api/v1/flags/n2", admin).status()).isEqualTo(404);
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void anAuditInstantBeyondTheYear9999Is400NamingItNot500() {
        Resp r = cp.get("/api/v1/audit?from=%2B300000-01-01T00:00:00Z", admin);

        assertProblem(r, 400, "invalid-parameter", "from");
    }

    // ------------------------------------------------------------------ clear answers, safe headers (item 10)

    @Test
    void aMisspeltAuditFilterIs400NamingItInsteadOfTheWholeLog() {
        Resp r = cp.get("/api/v1/audit?resurceType=flag", admin);

        assertProblem(r, 400, "invalid-parameter", "resurceType");
        assertThat(r.json().get("errors").get(0).get("message").asText()).contains("resourceType");
    }

    @Test
    void everyRouteRefusesAQueryParameterItDoesNotRead() {
        SoftAssertions soft = new SoftAssertions();
        for (ApiRouter.RouteSpec route : cp.running.routes()) {
            if (route.role() == null) {
                continue;
            }
            String path = concrete(route.path()) + "?colour=red";
            Resp r = cp.call(route.method().name(), path, keyFor(route), route.method().name().equals("GET")
                    || route.method().name().equals("DELETE") ? null : "{}", "If-Match", "*");
            soft.assertThat(r.status()).as(route.method() + " " + path + ": " + r.body()).isEqualTo(400);
            soft.assertThat(r.body()).as(route.method() + " " + path).contains("\"path\":\"colour\"");
        }
        soft.assertAll();
    }

    @Test
    void aWrongMethodIs405WithAllowListingTheRoutedMethods() {
        Resp flags = cp.call("PATCH", "/api/v1/flags", admin, "{}");
        Resp flag = cp.call("POST", "/api/v1/flags/f", admin, "{}");
        Resp health = cp.call("POST", "/healthz", null, "{}");

        assertProblem(flags, 405, "method-not-allowed", null);
        assertThat(flags.header("Allow")).isEqualTo("GET, POST");
        assertThat(flag.status()).isEqualTo(405);
        assertThat(flag.header("Allow")).isEqualTo("DELETE, GET, PUT");
        assertThat(health.status()).isEqualTo(405);
        assertThat(health.header("Allow")).isEqualTo("GET");
    }

    @Test
    void badPercentEncodingIsAProblemNotPlainText() {
        for (String path : List.of("/api/v1/flags/%zz", "/api/v1/flags/a%ED%A0%80", "/api/v1/flags?q=%e",
                "/api/v1/flags?q=%ff")) {
            Resp r = raw("GET", path, admin, null);
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(400);
            assertThat(r.header("Content-Type")).as(path).isEqualTo("application/problem+json");
            assertThat(r.json().get("detail").asText()).as(path).contains("UTF-8");
        }
    }

    @Test
    void depthAndCountLimitsAre400NamingTheLimitAndThePathAndOnlyBytesAre413() {
        Resp deep = cp.call("POST", "/api/v1/flags", admin, "{\"key\":\"d\",\"metadata\":{\"a\":"
                + "[".repeat(100) + "]".repeat(100) + "}}");
        StringBuilder many = new StringBuilder("{\"key\":\"m\",\"tags\":[");
        for (int i = 0; i < 10_001; i++) {
            many.append(i == 0 ? "" : ",").append('1');
        }
        Resp count = cp.call("POST", "/api/v1/flags", admin, many.append("]}").toString());
        Resp bytes = cp.call("POST", "/api/v1/flags", admin, "{\"key\":\"b\",\"description\":\""
                + "x".repeat(70_000) + "\"}");

        // 64 levels: the body, metadata, a, and 61 arrays in a; the 62nd array in a is one too deep.
        assertProblem(deep, 400, "limit-exceeded", "metadata.a" + "[0]".repeat(62));
        assertThat(deep.json().get("detail").asText()).contains("64 levels");
        assertProblem(count, 400, "limit-exceeded", "tags");
        assertThat(count.json().get("detail").asText()).contains("10000 elements");
        assertProblem(bytes, 413, "too-large", null);
    }

    @Test
    void apiResponsesAreNotStoredAndNoResponseIsSniffed() {
        Resp created = cp.createKey(admin, "secret holder", "viewer", null);
        Resp list = cp.get("/api/v1/flags", admin);
        Resp problem = cp.get("/api/v1/flags/nope", admin);
        Resp unauthenticated = cp.get("/api/v1/flags", null);
        Resp unknown = cp.get("/nowhere", null);
        Resp health = cp.get("/healthz", null);

        assertThat(created.status()).isEqualTo(201);
        for (Resp r : List.of(created, list, problem, unauthenticated)) {
            assertThat(r.header("Cache-Control")).as(r.toString()).isEqualTo("no-store");
        }
        for (Resp r : List.of(created, list, problem, unauthenticated, unknown, health)) {
            assertThat(r.header("X-Content-Type-Options")).as(r.toString()).isEqualTo("nosniff");
        }
    }

    // ------------------------------------------------------------------ the fuzz test over every route

    /** Values that no store holds exactly, as the raw JSON text of a value. */
    private static final List<String> BAD_JSON_VALUES = List.of("\"a\\u0000b\"", "\"\\u0000\"", "\"x\\ud800\"",
            "\"\\udfffy\"", "\"\\udc00\\ud800\"", "1e400", "-1e400", "1e-400", "-2.5e-999");
    /** The same in a URL: NUL, a surrogate written as CESU-8 bytes, and encodings that are not UTF-8. */
    private static final List<String> BAD_URL_TEXT = List.of("x%00", "%00", "a%ED%A0%80", "%C0%80", "%ff", "%zz");

    /**
     * A valid body for each write route. A write route added without one fails {@link #everyWriteRoute...}, so a
     * new route is covered as soon as it exists. {@code POST /api/v1/events} is the one exception: its batches are
     * read by the event ingest (valid events stored, invalid ones answered with their path, ADR 0106), not here.
     */
    private static final String CHANGE_REQUEST = "{\"title\":\"t\",\"description\":\"d\",\"change\":{"
            + "\"kind\":\"flag.rollout\",\"environment\":\"production\",\"flag\":\"f\",\"percentage\":12.5,"
            + "\"bucketBy\":\"targetingKey\"}}";
    private static final String METRIC = "{\"key\":\"revenue\",\"name\":\"Revenue\",\"description\":\"d\","
            + "\"kind\":\"ratio\",\"event\":\"purchase\",\"valueSource\":\"value\",\"denominatorEvent\":\"visit\","
            + "\"denominatorSource\":\"count\",\"window\":\"P7D\",\"direction\":\"higher_is_better\","
            + "\"cap\":{\"kind\":\"percentile\",\"value\":0.99}}";
    private static final String EXPERIMENT = "{\"key\":\"x1\",\"name\":\"X\",\"hypothesis\":\"h\","
            + "\"environment\":\"production\",\"flag\":\"f\",\"controlVariant\":\"off\",\"variants\":["
            + "{\"key\":\"off\",\"weight\":50},{\"key\":\"on\",\"weight\":50.5}],\"metrics\":{\"primary\":\"m\","
            + "\"secondary\":[\"m2\"],\"guardrails\":[\"m3\"]},\"analysis\":{\"method\":\"bayesian\","
            + "\"sequential\":true,\"alpha\":0.1,\"power\":0.9,\"minimumDetectableEffect\":0.05,"
            + "\"correction\":\"benjamini_hochberg\",\"cuped\":{\"preExposure\":\"P14D\"}},"
            + "\"startAt\":\"2031-01-01T00:00:00Z\",\"endAt\":\"2031-02-01T00:00:00Z\"}";
    private static final String WEBHOOK = "{\"url\":\"https://hooks.example.com/guidon?t=1\",\"description\":\"d\","
            + "\"eventTypes\":[\"flag.created\",\"flag.toggled\"],\"environments\":[\"production\"],\"tags\":[\"t\"],"
            + "\"enabled\":true,\"timeout\":\"PT5S\"}";
    private static final Map<String, String> TEMPLATES = Map.ofEntries(
            Map.entry("POST /api/v1/environments", "{\"key\":\"staging\",\"name\":\"Staging\",\"description\":\"d\"}"),
            Map.entry("PUT /api/v1/environments/:env", "{\"key\":\"production\",\"name\":\"Production\","
                    + "\"description\":\"live\"}"),
            Map.entry("POST /api/v1/flags", "{\"key\":\"n3\",\"description\":\"d\",\"tags\":[\"t\"],"
                    + "\"variants\":{\"on\":\"a\",\"off\":\"c\",\"n\":\"2.5\"},\"metadata\":{\"owner\":\"o\","
                    + "\"weight\":1.5,\"list\":[1,\"x\"]},\"salt\":\"s\",\"offVariant\":\"off\"}"),
            Map.entry("PUT /api/v1/flags/:flag", "{\"key\":\"f\",\"description\":\"d\",\"tags\":[\"t\"],"
                    + "\"variants\":{\"on\":true,\"off\":false},\"metadata\":{\"w\":0.5},\"salt\":\"s\"}"),
            Map.entry("PUT /api/v1/environments/:env/flags/:flag", "{\"key\":\"f\",\"enabled\":true,"
                    + "\"offVariant\":\"off\",\"targets\":[{\"variant\":\"on\",\"values\":[\"u1\"]}],\"rules\":[{"
                    + "\"id\":\"r1\",\"description\":\"d\",\"when\":{\"all\":[{\"attribute\":\"plan\",\"op\":\"in\","
                    + "\"values\":[\"gold\",2.5]},{\"segment\":\"seg\"}]},\"serve\":{\"variant\":\"on\"}}],"
                    + "\"fallthrough\":{\"rollout\":{\"on\":12.5,\"off\":87.5},\"bucketBy\":\"targetingKey\"}}"),
            Map.entry("PUT /api/v1/environments/:env/flags/:flag/enabled", "{\"enabled\":true}"),
            Map.entry("PUT /api/v1/environments/:env/flags/:flag/rollout", "{\"percentage\":12.5,"
                    + "\"bucketBy\":\"targetingKey\"}"),
            Map.entry("POST /api/v1/environments/:env/segments", "{\"key\":\"s2\",\"description\":\"d\","
                    + "\"included\":[\"u1\"],\"excluded\":[\"u2\"],\"rules\":[{\"attribute\":\"age\",\"op\":\"gt\","
                    + "\"values\":[17.5]}]}"),
            Map.entry("PUT /api/v1/environments/:env/segments/:segment", "{\"key\":\"seg\",\"description\":\"d\","
                    + "\"included\":[\"u1\"],\"rules\":[{\"attribute\":\"country\",\"op\":\"in\",\"values\":[\"FR\"]}]}"),
            Map.entry("POST /api/v1/keys", "{\"name\":\"k\",\"role\":\"sidecar\",\"environment\":\"production\"}"),
            Map.entry("POST /api/v1/environments/:env/flags/:flag/schedules", "{\"at\":\"2031-01-01T09:00:00+01:00\","
                    + "\"ifChanged\":\"apply\",\"change\":{\"kind\":\"flag.configure\",\"enabled\":true,"
                    + "\"offVariant\":\"off\",\"rules\":[{\"id\":\"r1\",\"when\":{\"attribute\":\"plan\","
                    + "\"op\":\"in\",\"values\":[\"gold\",2.5]},\"serve\":{\"variant\":\"on\"}}],"
                    + "\"fallthrough\":{\"rollout\":{\"on\":12.5,\"off\":87.5}}}}"),
            Map.entry("POST /api/v1/change-requests", CHANGE_REQUEST),
            Map.entry("PUT /api/v1/change-requests/:id", CHANGE_REQUEST),
            Map.entry("POST /api/v1/change-requests/:id/approvals", "{\"sha256\":\"" + "ab".repeat(32) + "\"}"),
            Map.entry("POST /api/v1/change-requests/:id/bypass", "{\"reason\":\"incident 7\"}"),
            // Routes that take no body: an empty object (no member to mutate), any member refused.
            Map.entry("POST /api/v1/change-requests/:id/rebase", "{}"),
            Map.entry("POST /api/v1/change-requests/:id/apply", "{}"),
            Map.entry("POST /api/v1/change-requests/:id/close", "{}"),
            Map.entry("POST /api/v1/audit/:id/revert", "{}"),
            Map.entry("POST /api/v1/environments/:env/flags/:flag/rollout-plans", "{\"control\":\"off\","
                    + "\"treatment\":\"on\",\"bucketBy\":\"targetingKey\",\"alpha\":0.05,\"stages\":[{"
                    + "\"percentage\":12.5,\"minDuration\":\"PT1H\",\"minExposures\":100}],\"guardrails\":[{"
                    + "\"event\":\"error\",\"kind\":\"rate\",\"direction\":\"lower_is_better\","
                    + "\"maxDegradation\":0.1,\"scale\":\"relative\"}]}"),
            // The actions of a plan take no body.
            Map.entry("POST /api/v1/environments/:env/flags/:flag/rollout-plans/:id/start", "{}"),
            Map.entry("POST /api/v1/environments/:env/flags/:flag/rollout-plans/:id/pause", "{}"),
            Map.entry("POST /api/v1/environments/:env/flags/:flag/rollout-plans/:id/resume", "{}"),
            Map.entry("POST /api/v1/environments/:env/flags/:flag/rollout-plans/:id/abort", "{}"),
            Map.entry("POST /api/v1/environments/:env/flags/:flag/rollout-plans/:id/complete", "{}"),
            Map.entry("POST /api/v1/metrics", METRIC),
            Map.entry("PUT /api/v1/metrics/:metric", METRIC),
            Map.entry("POST /api/v1/experiments", EXPERIMENT),
            Map.entry("PUT /api/v1/experiments/:id", EXPERIMENT),
            // The actions of an experiment take no body.
            Map.entry("POST /api/v1/experiments/:id/start", "{}"),
            Map.entry("POST /api/v1/experiments/:id/stop", "{}"),
            Map.entry("POST /api/v1/webhooks", WEBHOOK),
            Map.entry("PUT /api/v1/webhooks/:id", WEBHOOK),
            Map.entry("POST /api/v1/webhooks/:id/rotate-secret", "{\"overlap\":\"PT1H\"}"),
            Map.entry("POST /api/v1/webhooks/:id/redeliver", "{\"from\":\"2026-01-01T00:00:00Z\","
                    + "\"to\":\"2026-01-02T00:00:00+01:00\"}"),
            // Redelivering one delivery takes no body.
            Map.entry("POST /api/v1/webhooks/:id/deliveries/:delivery/redeliver", "{}"));
    private static final java.util.Set<String> WITHOUT_BODY_CHECK = java.util.Set.of("POST /api/v1/events");

    @Test
    void everyWriteRouteRefusesUnrepresentableValuesInEveryJsonFieldWithTheirPathAndChangesNothing() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        int sent = 0;
        for (ApiRouter.RouteSpec route : cp.running.routes()) {
            String name = route.method().name() + " " + route.path();
            if (route.method().name().equals("GET") || route.method().name().equals("DELETE")
                    || WITHOUT_BODY_CHECK.contains(name)) {
                continue;
            }
            assertThat(TEMPLATES).as("a body template for the write route " + name).containsKey(name);
            Map<String, JsonNode> before = state();
            for (Mutation m : mutations(JSON.readTree(TEMPLATES.get(name)))) {
                // The route's current ETag where it requires one (If-Match: * is a 428 there).
                String etag = route.method().name().equals("PUT")
                        ? cp.get(concrete(route.path()), admin).header("ETag") : null;
                Resp r = cp.call(route.method().name(), concrete(route.path()), keyFor(route), m.body(),
                        "If-Match", etag == null ? "*" : etag);
                sent++;
                String what = name + " with " + m.body();
                soft.assertThat(r.status()).as(what + " -> " + r.body()).isEqualTo(400);
                if (r.status() == 400) {
                    JsonNode problem = r.json();
                    soft.assertThat(problem.path("type").asText()).as(what)
                            .isEqualTo(ApiException.TYPE_BASE + "unsupported-value");
                    soft.assertThat(problem.path("errors").findValuesAsText("path")).as(what).contains(m.path());
                }
            }
            soft.assertThat(state()).as("nothing changed by " + name).isEqualTo(before);
        }
        soft.assertAll();
        assertThat(sent).isGreaterThan(300);
    }

    @Test
    void everyRouteRefusesUnrepresentableTextInEveryPathAndQueryParameterAndChangesNothing() {
        SoftAssertions soft = new SoftAssertions();
        Map<String, JsonNode> before = state();
        int sent = 0;
        for (ApiRouter.RouteSpec route : cp.running.routes()) {
            if (route.role() == null) {
                continue;
            }
            String method = route.method().name();
            String body = method.equals("GET") || method.equals("DELETE") ? null
                    : TEMPLATES.getOrDefault(method + " " + route.path(), "{}");
            List<String[]> targets = new ArrayList<>();
            Matcher params = Pattern.compile(":([a-z]+)").matcher(route.path());
            while (params.find()) {
                for (String bad : BAD_URL_TEXT) {
                    targets.add(new String[] {route.path().replace(":" + params.group(1), bad), params.group(1)});
                }
            }
            List<String> names = new ArrayList<>(route.query());
            names.add("unknownParameter");
            for (String q : names) {
                for (String bad : BAD_URL_TEXT) {
                    targets.add(new String[] {route.path() + "?" + q + "=" + bad, q});
                }
            }
            for (String bad : BAD_URL_TEXT) {
                targets.add(new String[] {route.path() + "?" + bad + "=1", null});
            }
            for (String[] t : targets) {
                String path = concrete(t[0]);
                Resp r = raw(method, path, keyFor(route), body);
                sent++;
                String what = method + " " + path + " -> " + r.body();
                soft.assertThat(r.status()).as(what).isEqualTo(400);
                soft.assertThat(r.header("Content-Type")).as(what).isEqualTo("application/problem+json");
                if (r.status() == 400) {
                    JsonNode problem = r.json();
                    boolean encoding = t[0].contains("%ff") || t[0].contains("%zz") || t[0].contains("%ED")
                            || t[0].contains("%C0");
                    if (t[1] != null && !(encoding && t[0].indexOf('?') < 0)) {
                        // The parameter is named; a path that does not decode is named "path".
                        soft.assertThat(problem.path("errors").findValuesAsText("path")).as(what).contains(t[1]);
                    } else {
                        soft.assertThat(problem.path("detail").asText()).as(what).isNotBlank();
                        soft.assertThat(problem.path("errors").findValuesAsText("path")).as(what).isNotEmpty();
                    }
                }
            }
        }
        soft.assertThat(state()).as("nothing changed").isEqualTo(before);
        soft.assertAll();
        assertThat(sent).isGreaterThan(300);
    }

    /** One body with one bad value or name, and the path the refusal must name. */
    record Mutation(String body, String path) {
    }

    /** Every leaf of {@code template} replaced by every bad value, and every field name made bad, one at a time. */
    private static List<Mutation> mutations(JsonNode template) {
        List<String> leaves = new ArrayList<>();
        List<String> objects = new ArrayList<>();
        collect(template, "", leaves, objects);
        List<Mutation> out = new ArrayList<>();
        for (String leaf : leaves) {
            for (String bad : BAD_JSON_VALUES) {
                out.add(new Mutation(render(template, "", leaf, bad, null), leaf));
            }
        }
        for (String object : objects) {
            for (String bad : List.of("\\u0000", "\\ud800")) {
                out.add(new Mutation(render(template, "", null, null, object + "\u0001" + bad), object));
            }
        }
        return out;
    }

    private static void collect(JsonNode node, String path, List<String> leaves, List<String> objects) {
        if (node.isObject()) {
            if (node.size() > 0) {
                objects.add(path);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), leaves, objects);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "[" + i + "]", leaves, objects);
            }
        } else {
            leaves.add(path);
        }
    }

    /**
     * {@code node} as JSON text, with the leaf at {@code leaf} written as the raw text {@code bad}, or with
     * {@code badName} ("objectPath\u0001escape") appended to the first field name of that object.
     */
    private static String render(JsonNode node, String path, String leaf, String bad, String badName) {
        if (path.equals(leaf)) {
            return bad;
        }
        try {
            if (node.isObject()) {
                StringBuilder b = new StringBuilder("{");
                boolean first = true;
                String renameIn = badName == null ? null : badName.substring(0, badName.indexOf('\u0001'));
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String name = JSON.writeValueAsString(e.getKey());
                    if (first && path.equals(renameIn)) {
                        name = name.substring(0, name.length() - 1) + badName.substring(badName.indexOf('\u0001') + 1)
                                + "\"";
                    }
                    b.append(first ? "" : ",").append(name).append(':').append(render(e.getValue(),
                            path.isEmpty() ? e.getKey() : path + "." + e.getKey(), leaf, bad, badName));
                    first = false;
                }
                return b.append('}').toString();
            }
            if (node.isArray()) {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < node.size(); i++) {
                    b.append(i == 0 ? "" : ",").append(render(node.get(i), path + "[" + i + "]", leaf, bad, badName));
                }
                return b.append(']').toString();
            }
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A request sent over a plain socket, so that its target may be anything, even what {@link java.net.URI}
     * refuses ({@code %zz}).
     */
    private Resp raw(String method, String target, String key, String body) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", cp.port())) {
            socket.setSoTimeout(20_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\nIf-Match: *\r\n");
            if (key != null) {
                head.append("Authorization: Bearer ").append(key).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
            }
            head.append("\r\n");
            socket.getOutputStream().write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(content);
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            String[] lines = response.substring(0, end).split("\r\n");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
            return new Resp(Integer.parseInt(lines[0].split(" ")[1]), headers, response.substring(end + 4));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(method + " " + target + ": " + e, e);
        }
    }

    private String keyFor(ApiRouter.RouteSpec route) {
        return route.role() == Role.SIDECAR ? sidecar : admin;
    }

    /** A route path with its parameters filled with what exists. */
    private String concrete(String path) {
        return path.replace(":env", "production").replace(":flag", "f").replace(":segment", "seg")
                .replace(":id", keyId).replace(":kind", "exposures");
    }

    /** Everything a refused request must leave as it was: every resource, every key, the whole audit log. */
    private Map<String, JsonNode> state() {
        Map<String, JsonNode> s = new LinkedHashMap<>();
        for (String path : List.of("/api/v1/environments?limit=200", "/api/v1/flags?limit=200",
                "/api/v1/environments/production/flags?limit=200", "/api/v1/environments/production/segments?limit=200",
                "/api/v1/keys?limit=200", "/api/v1/audit?limit=200", "/api/v1/environments/production",
                "/api/v1/schedules?limit=200", "/api/v1/change-requests?limit=200",
                "/api/v1/rollout-plans?limit=200", "/api/v1/metrics?limit=200", "/api/v1/experiments?limit=200",
                "/api/v1/webhooks?limit=200")) {
            Resp r = cp.get(path, admin);
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
            JsonNode body = r.json();
            // The time a key was last used moves with every request, refused or not.
            for (JsonNode item : body.path("items")) {
                if (item instanceof ObjectNode o) {
                    o.remove("lastUsedAt");
                }
            }
            s.put(path, body);
        }
        return s;
    }

    private static void assertProblem(Resp r, int status, String type, String errorPath) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.get("type").asText()).isEqualTo(ApiException.TYPE_BASE + type);
        assertThat(problem.get("detail").asText()).isNotBlank();
        if (errorPath != null) {
            assertThat(problem.get("errors").findValuesAsText("path")).contains(errorPath);
        }
    }
}
