package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.Harness;
import io.guidon.controlplane.Harness.Resp;
import io.guidon.controlplane.WebhookReceiver;
import io.guidon.controlplane.WebhookReceiver.Received;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Webhooks end to end over loopback (docs/webhooks.md): a real receiver verifies every delivery's signature with its
 * own implementation of the Standard Webhooks specification; a change rolled back (a change request's dry run) makes
 * no delivery; a receiver that fails and recovers gets every change, in order per flag; a dead endpoint's
 * subscription is disabled (audited) and the delivery that failed is held, not given up, and sent when it is enabled
 * again; changes made while a subscription is disabled (by the server or by hand) are held and arrive in order when
 * it is enabled, a redelivered older one in its place before them; a delivery given up while others get through is
 * failed and a redelivery of its range sends it; 410 disables at once; a rotation signs with both secrets for its overlap; addresses the SSRF guard
 * refuses and bad input are 422 (or 400, 404, 412, 428) and change nothing. Retries, the circuit and the give-up
 * window are shortened by settings so the test runs in seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    Harness cp;
    WebhookReceiver receiver;
    String admin;

    @BeforeAll
    void start() throws Exception {
        receiver = new WebhookReceiver();
        cp = Harness.start(Map.ofEntries(Map.entry("webhooks.allowed-addresses", "127.0.0.1/32"),
                Map.entry("webhooks.poll-interval", "50ms"), Map.entry("webhooks.retry-initial-delay", "50ms"),
                Map.entry("webhooks.retry-max-delay", "300ms"), Map.entry("webhooks.give-up-after", "3s"),
                Map.entry("webhooks.auto-disable-after", "3s"), Map.entry("webhooks.circuit-failure-threshold", "3"),
                Map.entry("webhooks.circuit-open-for", "100ms"), Map.entry("webhooks.circuit-max-open", "300ms")));
        admin = cp.bootstrap("acme");
        assertThat(cp.post("/api/v1/environments", admin, Map.of("key", "production")).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() throws Exception {
        cp.close();
        receiver.close();
    }

    private JsonNode subscribe(String path, String... types) {
        Resp r = cp.post("/api/v1/webhooks", admin, Map.of("url", receiver.url(path), "eventTypes", List.of(types)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private void flag(String key) {
        Resp r = cp.post("/api/v1/flags", admin, Map.of("key", key, "variants", Map.of("on", true, "off", false)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private void toggle(String env, String flag, boolean on) {
        Resp r = cp.put("/api/v1/environments/" + env + "/flags/" + flag + "/enabled", admin, Map.of("enabled", on));
        assertThat(r.status()).as(r.body()).isIn(200, 202);
    }

    private List<Received> await(String path, int n) {
        Poll.until(n + " requests at " + path, WAIT, () -> receiver.received(path).size() >= n);
        return receiver.received(path);
    }

    private JsonNode deliveries(long id, String query) {
        Resp r = cp.get("/api/v1/webhooks/" + id + "/deliveries" + query, admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static Map<String, String> errors(Resp r) {
        Map<String, String> out = new TreeMap<>();
        r.json().get("errors").forEach(e -> out.merge(e.get("pointer").asText(), e.get("message").asText(),
                (a, b) -> a + " | " + b));
        return out;
    }

    @Test
    void deliveriesAreSignedAsTheStandardSaysAndLoggedWithTheirAttempts() {
        JsonNode sub = subscribe("/signed", "flag.created", "flag.toggled");
        String secret = sub.get("secret").asText();
        long id = sub.get("id").asLong();
        assertThat(secret).startsWith("whsec_");

        flag("signed");
        toggle("production", "signed", true);
        List<Received> got = await("/signed", 2);

        for (Received r : got) {
            assertThat(WebhookReceiver.verify(r, secret)).as(r.header("webhook-signature")).isTrue();
            assertThat(WebhookReceiver.verify(r, "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32])))
                    .isFalse();
            assertThat(r.header("webhook-id")).matches("msg_[0-9]+_" + id);
            assertThat(r.header("content-type")).startsWith("application/json");
        }
        assertThat(got.get(0).header("webhook-id")).isNotEqualTo(got.get(1).header("webhook-id"));
        JsonNode created = got.get(0).json();
        assertThat(created.get("type").asText()).isEqualTo("flag.created");
        assertThat(created.get("data").get("resource").asText()).isEqualTo("signed");
        assertThat(created.get("data").get("actor").get("name").asText()).isNotEmpty();
        JsonNode toggled = got.get(1).json();
        assertThat(toggled.get("type").asText()).isEqualTo("flag.toggled");
        assertThat(toggled.get("data").get("action").asText()).isEqualTo("flag.enable");
        assertThat(toggled.get("data").get("environment").asText()).isEqualTo("production");
        assertThat(toggled.get("data").get("before").get("enabled").asBoolean()).isFalse();
        assertThat(toggled.get("data").get("after").get("enabled").asBoolean()).isTrue();
        assertThat(Instant.parse(toggled.get("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));

        // The secret is answered once: never by a read, a listing or the audit log.
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).body()).doesNotContain(secret).doesNotContain("whsec_");
        assertThat(cp.get("/api/v1/webhooks", admin).body()).doesNotContain("whsec_");
        assertThat(cp.get("/api/v1/audit?resourceType=webhook", admin).body()).doesNotContain("whsec_")
                .contains("webhook.create");

        Poll.until("both logged as delivered", WAIT, () -> deliveries(id, "?status=delivered").get("total")
                .asInt() == 2);
        JsonNode log = deliveries(id, "");
        assertThat(log.get("items").get(0).get("eventType").asText()).as("newest first").isEqualTo("flag.toggled");
        long deliveryId = log.get("items").get(0).get("id").asLong();
        JsonNode one = cp.get("/api/v1/webhooks/" + id + "/deliveries/" + deliveryId, admin).json();
        assertThat(one.get("attempts").asInt()).isEqualTo(1);
        assertThat(one.get("attemptLog").get(0).get("status").asInt()).isEqualTo(204);
        assertThat(one.get("attemptLog").get(0).get("latencyMs").asInt()).isNotNegative();
        assertThat(one.get("attemptLog").get(0).get("replica").asText()).isNotEmpty();
        assertThat(one.get("payload").asText()).isEqualTo(new String(got.get(1).body(),
                java.nio.charset.StandardCharsets.UTF_8));

        // The log pages with a cursor.
        JsonNode first = deliveries(id, "?limit=1");
        assertThat(first.get("items")).hasSize(1);
        JsonNode second = deliveries(id, "?limit=1&cursor=" + first.get("nextCursor").asText());
        assertThat(second.get("items").get(0).get("eventType").asText()).isEqualTo("flag.created");
        assertThat(second.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void aChangeThatRollsBackMakesNoDelivery() {
        Resp env = cp.post("/api/v1/environments", admin, Map.of("key", "gated", "requiredApprovals", 1));
        assertThat(env.status()).as(env.body()).isEqualTo(201);
        JsonNode sub = cp.post("/api/v1/webhooks", admin, Map.of("url", receiver.url("/gated"), "eventTypes",
                List.of("flag.toggled", "change_request.created"), "environments", List.of("gated"))).json();
        long id = sub.get("id").asLong();
        flag("gated-flag");

        // The toggle is checked in a savepoint that is rolled back (its audit entry with it), and proposed instead.
        Resp proposed = cp.put("/api/v1/environments/gated/flags/gated-flag/enabled", admin, Map.of("enabled", true));
        assertThat(proposed.status()).as(proposed.body()).isEqualTo(202);

        List<Received> got = await("/gated", 1);
        assertThat(got.get(0).json().get("type").asText()).isEqualTo("change_request.created");
        JsonNode log = deliveries(id, "");
        assertThat(log.get("total").asInt()).as("the dry run's toggle made no delivery").isEqualTo(1);
        // Nor does a refused change, nor one in an environment the filter leaves out.
        assertThat(cp.put("/api/v1/environments/gated/flags/no-such-flag/enabled", admin, Map.of("enabled", true))
                .status()).isEqualTo(404);
        toggle("production", "gated-flag", true);
        assertThat(deliveries(id, "").get("total").asInt()).isEqualTo(1);
    }

    @Test
    void aReceiverThatFailsAndRecoversGetsEveryChangeInOrderPerFlag() {
        // The first five requests fail (503, then 500): the circuit opens, retries back off, then all go through.
        receiver.answer("/flaky", n -> n <= 3 ? 503 : n <= 5 ? 500 : 200);
        long id = subscribe("/flaky", "flag.toggled", "flag.rollout_changed").get("id").asLong();
        flag("flaky-a");
        flag("flaky-b");
        for (int i = 0; i < 6; i++) {
            toggle("production", "flaky-a", i % 2 == 0);
            Resp r = cp.put("/api/v1/environments/production/flags/flaky-b/rollout", admin,
                    Map.of("percentage", 10 * (i + 1)));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }

        Poll.until("all 12 delivered", WAIT, () -> deliveries(id, "?status=delivered").get("total").asInt() == 12);
        Map<String, List<Long>> perFlag = new TreeMap<>();
        Set<String> ids = new HashSet<>();
        for (Received r : receiver.received("/flaky")) {
            if (r.status() == 200) {
                JsonNode data = r.json().get("data");
                perFlag.computeIfAbsent(data.get("resource").asText(), k -> new ArrayList<>())
                        .add(data.get("auditId").asLong());
                ids.add(r.header("webhook-id"));
            }
        }
        assertThat(ids).as("every change, each once").hasSize(12);
        assertThat(perFlag.get("flaky-a")).hasSize(6).isSorted();
        assertThat(perFlag.get("flaky-b")).hasSize(6).isSorted();
        assertThat(receiver.received("/flaky").stream().filter(r -> r.status() != 200)).hasSize(5);
        JsonNode health = cp.get("/api/v1/webhooks/" + id, admin).json().get("health");
        assertThat(health.get("consecutiveFailures").asInt()).isZero();
        assertThat(health.get("failingSince").isNull()).isTrue();
        assertThat(health.get("lastSuccessAt").isNull()).isFalse();
    }

    @Test
    void aDeadEndpointIsDisabledAndTheDeliveryItFailedIsHeldAndSentWhenItIsEnabledAgain() {
        receiver.answer("/dead", n -> 500);
        long id = subscribe("/dead", "flag.created").get("id").asLong();
        flag("dead-flag");

        Poll.until("disabled", WAIT, () -> !cp.get("/api/v1/webhooks/" + id, admin).json().get("enabled").asBoolean());
        JsonNode sub = cp.get("/api/v1/webhooks/" + id, admin).json();
        // Either rule may disable it first on a loaded machine: failing for webhooks.auto-disable-after, or a
        // delivery given up with nothing delivered meanwhile.
        assertThat(sub.get("disabled").get("reason").asText()).contains("HTTP 500")
                .containsAnyOf("every attempt failed since", "was given up");
        JsonNode audit = cp.get("/api/v1/audit?resourceType=webhook&action=webhook.disable", admin).json();
        assertThat(audit.get("items").get(0).get("resource").asText()).isEqualTo(Long.toString(id));
        assertThat(audit.get("items").get(0).get("actor").get("agent").asText()).isEqualTo("webhook-delivery");
        // The delivery whose attempts disabled it is held, not given up: nothing is lost, nothing to redeliver.
        assertThat(deliveries(id, "?status=failed").get("total").asInt()).isZero();
        JsonNode held = deliveries(id, "?status=pending").get("items");
        assertThat(held).hasSize(1);
        assertThat(held.get(0).get("attempts").asInt()).isGreaterThan(1);
        int tried = receiver.received("/dead").size();

        receiver.answer("/dead", n -> 200);
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("url", receiver.url("/dead"));
        body.put("eventTypes", List.of("flag.created"));
        body.put("enabled", true);
        Resp enabled = cp.put("/api/v1/webhooks/" + id, admin, body, "If-Match", "\"" + sub.get("version").asLong()
                + "\"");
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        assertThat(enabled.json().get("disabled").isNull()).isTrue();

        Poll.until("delivered after all", WAIT, () -> deliveries(id, "?status=delivered").get("total").asInt() == 1);
        List<Received> got = receiver.received("/dead");
        assertThat(got).hasSize(tried + 1);
        assertThat(got.get(got.size() - 1).status()).isEqualTo(200);
        assertThat(got.stream().map(r -> r.header("webhook-id")).distinct()).as("the same webhook-id throughout")
                .hasSize(1);
    }

    @Test
    void aDeliveryGivenUpWhileOthersGetThroughIsFailedAndARangeRedeliveryResendsIt() {
        // One flag's creation always fails while other changes get through: its delivery is given up (failed) and
        // the subscription stays enabled (the endpoint is alive); a redelivery of the range then sends it.
        Instant before = Instant.now().minusSeconds(1);
        receiver.answerByBody("/partial", body -> body.contains("\"partial-bad\"") ? 500 : 204);
        long id = subscribe("/partial", "flag.created").get("id").asLong();
        flag("partial-bad");
        for (int i = 0; deliveries(id, "?status=failed").get("total").asInt() == 0; i++) {
            assertThat(i).as("given up within the wait").isLessThan(60);
            String good = "partial-good-" + i;
            flag(good);
            Poll.until(good + " delivered", WAIT, () -> receiver.received("/partial").stream().anyMatch(r ->
                    r.status() == 204 && r.json().get("data").get("resource").asText().equals(good)));
        }
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).json().get("enabled").asBoolean()).isTrue();
        Poll.until("the give-up counted", () -> cp.metric("guidon_webhooks_attempts_total", "outcome=\"given_up\"")
                >= 1);

        receiver.answerByBody("/partial", body -> 204);
        Resp redeliver = cp.post("/api/v1/webhooks/" + id + "/redeliver", admin, Map.of("from", before.toString(),
                "to", Instant.now().plusSeconds(60).toString()));
        assertThat(redeliver.status()).as(redeliver.body()).isEqualTo(202);
        assertThat(redeliver.json().get("redelivered").asInt()).isEqualTo(1);
        Poll.until("delivered after all", WAIT, () -> deliveries(id, "?status=failed").get("total").asInt() == 0
                && deliveries(id, "?status=pending").get("total").asInt() == 0);
        List<Received> bad = receiver.received("/partial").stream().filter(r -> r.json().get("data").get("resource")
                .asText().equals("partial-bad")).toList();
        assertThat(bad.get(bad.size() - 1).status()).isEqualTo(204);
        assertThat(bad.stream().map(r -> r.header("webhook-id")).distinct()).as("the same webhook-id throughout")
                .hasSize(1);
    }

    /** Enables subscription {@code id} again with {@code types}, as its admin would (PUT with its version). */
    private void enable(long id, String path, String... types) {
        JsonNode sub = cp.get("/api/v1/webhooks/" + id, admin).json();
        Resp r = cp.put("/api/v1/webhooks/" + id, admin, Map.of("url", receiver.url(path), "eventTypes",
                List.of(types), "enabled", true), "If-Match", "\"" + sub.get("version").asLong() + "\"");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static List<String> actions(List<Received> got) {
        return got.stream().filter(r -> r.status() / 100 == 2).map(r -> r.json().get("data").get("action").asText()
                + "#" + r.json().get("data").get("auditId").asLong()).toList();
    }

    @Test
    void changesMadeWhileAGoneEndpointIsDisabledAreHeldAndArriveInOrderWhenItIsEnabledAgain() {
        // The issue's example: 410 disables the subscription; the flag is toggled meanwhile; enabled again, the
        // creation (whose attempt was answered 410) and then every toggle arrive, in the order they were made.
        receiver.answer("/gone-held", n -> n == 1 ? 410 : 204);
        long id = subscribe("/gone-held", "flag.created", "flag.toggled").get("id").asLong();
        flag("held-flag");
        Poll.until("disabled", WAIT, () -> !cp.get("/api/v1/webhooks/" + id, admin).json().get("enabled").asBoolean());
        for (int i = 0; i < 3; i++) {
            toggle("production", "held-flag", i % 2 == 0);
        }
        assertThat(deliveries(id, "?status=pending").get("total").asInt()).as("recorded and held").isEqualTo(4);
        assertThat(receiver.received("/gone-held")).as("nothing sent while disabled").hasSize(1);

        enable(id, "/gone-held", "flag.created", "flag.toggled");
        List<Received> got = await("/gone-held", 5);
        List<String> sent = actions(got);
        assertThat(sent).hasSize(4);
        assertThat(sent.get(0)).startsWith("flag.create#");
        assertThat(sent.subList(1, 4)).allMatch(a -> a.startsWith("flag.enable#") || a.startsWith("flag.disable#"));
        assertThat(got.stream().filter(r -> r.status() == 204).map(r -> r.json().get("data").get("auditId").asLong())
                .toList()).as("in the order of the changes").isSorted();
        // The receiver sees a request before its answer's outcome is written.
        Poll.until("all four marked delivered", WAIT, () -> deliveries(id, "?status=delivered").get("total").asInt()
                == 4);
    }

    @Test
    void aSubscriptionDisabledByItsAdminHoldsItsChangesAndARedeliveredOlderOneTakesItsPlaceBeforeThem() {
        receiver.answer("/paused", n -> 204);
        long id = subscribe("/paused", "flag.created", "flag.toggled").get("id").asLong();
        flag("paused-flag");
        await("/paused", 1);
        Poll.until("the creation delivered", WAIT, () -> deliveries(id, "?status=delivered").get("total").asInt()
                == 1);
        long creation = deliveries(id, "?status=delivered").get("items").get(0).get("id").asLong();

        JsonNode sub = cp.get("/api/v1/webhooks/" + id, admin).json();
        Resp off = cp.put("/api/v1/webhooks/" + id, admin, Map.of("url", receiver.url("/paused"), "eventTypes",
                List.of("flag.created", "flag.toggled"), "enabled", false), "If-Match", "\""
                + sub.get("version").asLong() + "\"");
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        toggle("production", "paused-flag", true);
        toggle("production", "paused-flag", false);
        // The older delivery sent again: it goes before the newer toggles of its flag, which wait for it.
        Resp again = cp.post("/api/v1/webhooks/" + id + "/deliveries/" + creation + "/redeliver", admin, null);
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        assertThat(deliveries(id, "?status=pending").get("total").asInt()).isEqualTo(3);

        enable(id, "/paused", "flag.created", "flag.toggled");
        List<Received> got = await("/paused", 4);
        List<String> sent = actions(got.subList(1, 4));
        assertThat(sent.get(0)).startsWith("flag.create#");
        assertThat(sent.get(1)).startsWith("flag.enable#");
        assertThat(sent.get(2)).startsWith("flag.disable#");
    }

    @Test
    void aGoneEndpointDisablesItsSubscriptionAtOnceAndOneDeliveryIsRedeliveredByHand() {
        receiver.answer("/gone", n -> n == 1 ? 410 : 204);
        JsonNode made = subscribe("/gone", "flag.created");
        long id = made.get("id").asLong();
        flag("gone-flag");

        Poll.until("disabled", WAIT, () -> !cp.get("/api/v1/webhooks/" + id, admin).json().get("enabled").asBoolean());
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).json().get("disabled").get("reason").asText())
                .contains("410 Gone");
        long delivery = deliveries(id, "").get("items").get(0).get("id").asLong();
        JsonNode sub = cp.get("/api/v1/webhooks/" + id, admin).json();
        Map<String, Object> body = Map.of("url", receiver.url("/gone"), "eventTypes", List.of("flag.created"));
        assertThat(cp.put("/api/v1/webhooks/" + id, admin, body, "If-Match", "\"" + sub.get("version").asLong() + "\"")
                .status()).isEqualTo(200);
        assertThat(cp.post("/api/v1/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", admin, null)
                .status()).isEqualTo(202);

        List<Received> got = await("/gone", 2);
        assertThat(got.get(1).status()).isEqualTo(204);
        assertThat(WebhookReceiver.verify(got.get(1), made.get("secret").asText())).isTrue();
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOneForItsOverlapAndASecondRotationWaitsForItsEnd() {
        JsonNode made = subscribe("/rotated", "flag.created");
        long id = made.get("id").asLong();
        String old = made.get("secret").asText();

        Resp rotated = cp.post("/api/v1/webhooks/" + id + "/rotate-secret", admin, Map.of("overlap", "PT3S"));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String fresh = rotated.json().get("secret").asText();
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
        String until = rotated.json().get("rotation").get("previousSecretUntil").asText();
        assertThat(until).isNotEmpty();
        // A second rotation during the overlap would end it early: 409 saying until when, and nothing changes.
        Resp early = cp.post("/api/v1/webhooks/" + id + "/rotate-secret", admin, Map.of("overlap", "PT0S"));
        assertThat(early.status()).as(early.body()).isEqualTo(409);
        assertThat(early.json().get("detail").asText()).contains("signs until " + Instant.parse(until));
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).json().get("version").asLong())
                .isEqualTo(rotated.json().get("version").asLong());
        flag("rotated-1");
        Received during = await("/rotated", 1).get(0);
        assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
        assertThat(WebhookReceiver.verify(during, fresh)).isTrue();
        assertThat(WebhookReceiver.verify(during, old)).isTrue();

        Poll.until("the overlap over", WAIT, () -> cp.get("/api/v1/webhooks/" + id, admin).json().get("rotation")
                .isNull());
        Resp now = cp.post("/api/v1/webhooks/" + id + "/rotate-secret", admin, Map.of("overlap", "PT0S"));
        assertThat(now.status()).as(now.body()).isEqualTo(200);
        String last = now.json().get("secret").asText();
        assertThat(now.json().get("rotation").isNull()).isTrue();
        flag("rotated-2");
        Received after = await("/rotated", 2).get(1);
        assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
        assertThat(WebhookReceiver.verify(after, last)).isTrue();
        assertThat(WebhookReceiver.verify(after, fresh)).isFalse();
    }

    @Test
    void urlsWhoseAddressesTheGuardRefusesAre422AndNothingIsMade() {
        int total = cp.get("/api/v1/webhooks", admin).json().get("total").asInt();
        Map<String, String> refused = Map.of("http://10.1.2.3/hook", "private",
                "http://192.168.1.1/x", "private", "http://169.254.169.254/latest/meta-data", "link-local",
                "http://[::1]:8080/", "loopback", "http://[fd00::1]/", "unique-local",
                "http://127.0.0.2/", "loopback", "http://0.0.0.0/", "unspecified",
                "http://[::ffff:127.0.0.2]/", "loopback", "http://224.0.0.1/", "multicast",
                "http://no-such-host.invalid/", "does not resolve");
        refused.forEach((url, why) -> {
            Resp r = cp.post("/api/v1/webhooks", admin, Map.of("url", url, "eventTypes", List.of("flag.created")));
            assertThat(r.status()).as(url + " " + r.body()).isEqualTo(422);
            assertThat(errors(r).get("/url")).as(url).contains(why);
        });
        assertThat(cp.get("/api/v1/webhooks", admin).json().get("total").asInt()).isEqualTo(total);
    }

    @Test
    void badInputIsAnsweredWithWhatAndWhereAndChangesNothing() {
        JsonNode made = subscribe("/bad", "flag.created");
        long id = made.get("id").asLong();
        flag("bad-input-flag");
        Poll.until("delivered", WAIT, () -> deliveries(id, "?status=delivered").get("total").asInt() == 1);
        int total = cp.get("/api/v1/webhooks", admin).json().get("total").asInt();

        Resp r = cp.call("POST", "/api/v1/webhooks", admin, "{\"url\":\"ftp://x/\",\"eventTypes\":[\"flag.nope\"],"
                + "\"environments\":[\"Bad Env\"],\"tags\":[7],\"enabled\":1,\"timeout\":\"PT0.5S\",\"colour\":1,"
                + "\"description\":\"" + "d".repeat(2001) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(errors(r)).containsKeys("/url", "/eventTypes/0", "/environments/0", "/tags/0", "/enabled",
                "/timeout", "/colour", "/description");
        assertThat(errors(cp.call("POST", "/api/v1/webhooks", admin, "{}"))).containsKeys("/url", "/eventTypes");
        assertThat(cp.call("POST", "/api/v1/webhooks", admin, "[1]").status()).isIn(400, 422);
        assertThat(cp.call("POST", "/api/v1/webhooks", admin, "{not json").status()).isEqualTo(400);
        assertThat(cp.get("/api/v1/webhooks", admin).json().get("total").asInt()).isEqualTo(total);

        Map<String, Object> body = Map.of("url", receiver.url("/bad"), "eventTypes", List.of("flag.deleted"));
        assertThat(cp.put("/api/v1/webhooks/" + id, admin, body).status()).as("no If-Match").isEqualTo(428);
        assertThat(cp.put("/api/v1/webhooks/" + id, admin, body, "If-Match", "\"99\"").status()).isEqualTo(412);
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).json().get("eventTypes").get(0).asText())
                .isEqualTo("flag.created");
        assertThat(cp.get("/api/v1/webhooks/abc", admin).status()).isEqualTo(404);
        assertThat(cp.get("/api/v1/webhooks/999999999", admin).status()).isEqualTo(404);
        assertThat(cp.get("/api/v1/webhooks/" + id + "/deliveries/999999999", admin).status()).isEqualTo(404);
        assertThat(cp.get("/api/v1/webhooks/" + id + "/deliveries?status=lost", admin).status()).isEqualTo(400);
        assertThat(cp.get("/api/v1/webhooks/" + id + "/deliveries?cursor=zzz", admin).status()).isEqualTo(400);
        Resp overlap = cp.post("/api/v1/webhooks/" + id + "/rotate-secret", admin, Map.of("overlap", "P8D"));
        assertThat(overlap.status()).isEqualTo(422);
        assertThat(errors(overlap)).containsKey("/overlap");
        Resp range = cp.post("/api/v1/webhooks/" + id + "/redeliver", admin, Map.of("from", "yesterday"));
        assertThat(errors(range)).containsKeys("/from", "/to");
        Resp backwards = cp.post("/api/v1/webhooks/" + id + "/redeliver", admin, Map.of("from",
                "2026-12-01T10:00:00Z", "to", "2026-12-01T09:00:00Z"));
        assertThat(backwards.status()).isEqualTo(422);
        assertThat(errors(backwards).get("/to")).contains("after from");
        // A route that takes no body refuses one, naming it, and redelivers nothing.
        long delivery = deliveries(id, "").get("items").get(0).get("id").asLong();
        Resp bodied = cp.call("POST", "/api/v1/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", admin,
                "{\"x\":1}");
        assertThat(bodied.status()).as(bodied.body()).isEqualTo(422);
        assertThat(errors(bodied).get("/x")).contains("this request takes none");
        assertThat(cp.call("POST", "/api/v1/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", admin,
                "{not json").status()).isEqualTo(400);
        // An environment the tenant does not have is refused where it is listed.
        Resp nope = cp.post("/api/v1/webhooks", admin, Map.of("url", receiver.url("/bad"), "eventTypes",
                List.of("flag.created"), "environments", List.of("production", "nope")));
        assertThat(nope.status()).as(nope.body()).isEqualTo(422);
        assertThat(errors(nope)).containsOnlyKeys("/environments/1");
        assertThat(errors(nope).get("/environments/1")).contains("no environment 'nope'");
        Resp nopeUpdate = cp.put("/api/v1/webhooks/" + id, admin, Map.of("url", receiver.url("/bad"), "eventTypes",
                List.of("flag.created"), "environments", List.of("nope")), "If-Match", "\"" + made.get("version")
                .asLong() + "\"");
        assertThat(nopeUpdate.status()).as(nopeUpdate.body()).isEqualTo(422);
        assertThat(errors(nopeUpdate)).containsOnlyKeys("/environments/0");
        assertThat(cp.get("/api/v1/webhooks", admin).json().get("total").asInt()).isEqualTo(total);
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).json().get("version").asInt()).as("unchanged")
                .isEqualTo(made.get("version").asInt());
        assertThat(deliveries(id, "?status=pending").get("total").asInt()).as("nothing redelivered").isZero();

        assertThat(cp.delete("/api/v1/webhooks/" + id, admin, "If-Match", "\"99\"").status()).isEqualTo(412);
        assertThat(cp.delete("/api/v1/webhooks/" + id, admin).status()).isEqualTo(204);
        assertThat(cp.get("/api/v1/webhooks/" + id, admin).status()).isEqualTo(404);
    }
}
