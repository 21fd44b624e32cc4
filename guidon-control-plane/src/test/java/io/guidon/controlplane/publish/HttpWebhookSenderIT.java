package io.guidon.controlplane.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.WebhookReceiver;
import io.guidon.controlplane.domain.AddressPolicy;
import io.guidon.controlplane.service.WebhookSender;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The webhook sender against a real endpoint on loopback: the address is checked when the request is made (a URL
 * accepted earlier is refused once the policy refuses its address: nothing reaches the endpoint), redirects are not
 * followed, a slow endpoint is cut off at the timeout, and only the first 1 KiB of an answer is kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpWebhookSenderIT {

    private Vertx vertx;
    private WebhookReceiver receiver;
    private HttpWebhookSender loopbackAllowed;
    private HttpWebhookSender defaults;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        receiver = new WebhookReceiver();
        loopbackAllowed = new HttpWebhookSender(vertx, AddressPolicy.of(List.of("127.0.0.1/32")), 4);
        defaults = new HttpWebhookSender(vertx, AddressPolicy.of(List.of()), 4);
    }

    @AfterAll
    void stop() throws Exception {
        receiver.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static WebhookSender.Outcome send(HttpWebhookSender sender, String url, Duration timeout)
            throws Exception {
        return sender.send(new WebhookSender.Request(url, Map.of("webhook-id", "msg_1_1"),
                "{\"type\":\"t\"}".getBytes(StandardCharsets.UTF_8), timeout)).toCompletionStage()
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void theResolvedAddressIsCheckedAtEveryAttemptAndARefusedOneIsNeverContacted() throws Exception {
        WebhookSender.Outcome refused = send(defaults, receiver.url("/guarded"), Duration.ofSeconds(5));

        assertThat(refused.status()).isNull();
        assertThat(refused.success()).isFalse();
        assertThat(refused.error()).startsWith("refused: ").contains("127.0.0.1, a loopback address");
        assertThat(receiver.received("/guarded")).isEmpty();

        WebhookSender.Outcome allowed = send(loopbackAllowed, receiver.url("/guarded"), Duration.ofSeconds(5));
        assertThat(allowed.success()).isTrue();
        assertThat(receiver.received("/guarded")).hasSize(1);
        assertThat(receiver.received("/guarded").get(0).header("user-agent")).isEqualTo("Guidon-Webhooks/1");
        assertThat(receiver.received("/guarded").get(0).header("webhook-id")).isEqualTo("msg_1_1");
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
        receiver.answer("/moved", n -> 302);

        WebhookSender.Outcome o = send(loopbackAllowed, receiver.url("/moved"), Duration.ofSeconds(5));

        assertThat(o.status()).isEqualTo(302);
        assertThat(o.success()).isFalse();
        assertThat(receiver.received("/moved")).hasSize(1);
        assertThat(receiver.received("/redirected")).isEmpty();
    }

    @Test
    void aSlowEndpointIsCutOffAtTheTimeout() throws Exception {
        receiver.answer("/slow", n -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        });

        WebhookSender.Outcome o = send(loopbackAllowed, receiver.url("/slow"), Duration.ofMillis(500));

        assertThat(o.status()).isNull();
        assertThat(o.error()).contains("timed out after 500 ms");
        assertThat(o.latencyMs()).isBetween(400L, 4_000L);
    }

    @Test
    void onlyTheFirstKibibyteOfAnAnswerIsKept() throws Exception {
        receiver.answer("/chatty", n -> 500);

        WebhookSender.Outcome o = send(loopbackAllowed, receiver.url("/chatty"), Duration.ofSeconds(5));

        assertThat(o.status()).isEqualTo(500);
        assertThat(o.response()).startsWith("answer 500 to request 1 ").hasSize(1024);
    }

    @Test
    void aConnectionRefusedIsAnOutcomeNotAFailure() throws Exception {
        WebhookSender.Outcome o = send(loopbackAllowed, "http://127.0.0.1:9/closed", Duration.ofSeconds(5));

        assertThat(o.status()).isNull();
        assertThat(o.error()).startsWith("no answer: ");
    }

    @Test
    void retryAfterIsReadInSecondsOnly() {
        assertThat(HttpWebhookSender.retryAfter("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(HttpWebhookSender.retryAfter("999999999")).isEqualTo(Duration.ofDays(1));
        assertThat(HttpWebhookSender.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isNull();
        assertThat(HttpWebhookSender.retryAfter(null)).isNull();
    }

    @Test
    void aLookupThatHangsHoldsOnlyItsOwnDeliveriesAndIsGivenUpAtTheTimeout() throws Exception {
        // "stuck.example" never answers, like a DNS server that drops the query; every other name is loopback.
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        HttpWebhookSender sender = new HttpWebhookSender(vertx, AddressPolicy.of(List.of("127.0.0.1/32")), 4,
                host -> {
                    if (host.equals("stuck.example")) {
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            throw new java.net.UnknownHostException("interrupted");
                        }
                    }
                    return new java.net.InetAddress[] {java.net.InetAddress.getLoopbackAddress()};
                });
        try {
            String healthy = receiver.url("/beside-stuck").replace("127.0.0.1", "healthy.example");
            // Warm: the first request of a client pays for its classes and its connection.
            assertThat(send(sender, healthy, Duration.ofSeconds(5)).success()).isTrue();
            java.util.concurrent.CompletableFuture<String> check = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> sender.refusal("http://stuck.example/hook"));
            // More hanging lookups than Vert.x has worker threads (20): a shared pool would be exhausted by them.
            List<java.util.concurrent.CompletableFuture<WebhookSender.Outcome>> stuck = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                stuck.add(sender.send(new WebhookSender.Request("http://stuck.example:1/hook", Map.of(),
                        "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5))).toCompletionStage()
                        .toCompletableFuture());
            }
            long start = System.nanoTime();
            WebhookSender.Outcome ok = send(sender, healthy, Duration.ofSeconds(5));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(ok.success()).as(String.valueOf(ok.error())).isTrue();
            assertThat(receiver.received("/beside-stuck")).hasSize(2);
            assertThat(receiver.received("/beside-stuck").get(1).header("host")).startsWith("healthy.example:");
            // Below the stuck lookups' 5 s timeout by a margin for a loaded machine: it waited for none of them.
            assertThat(tookMs).isLessThan(2_500);
            for (java.util.concurrent.CompletableFuture<WebhookSender.Outcome> f : stuck) {
                WebhookSender.Outcome o = f.get(20, TimeUnit.SECONDS);
                assertThat(o.success()).isFalse();
                assertThat(o.error()).isEqualTo("could not resolve: no answer within 5000 ms");
                assertThat(o.latencyMs()).isBetween(4_900L, 15_000L);
            }
            assertThat(check.get(20, TimeUnit.SECONDS)).isEqualTo(
                    "host 'stuck.example' could not be resolved within 5 s");
        } finally {
            never.countDown();
            sender.close();
        }
    }
}
