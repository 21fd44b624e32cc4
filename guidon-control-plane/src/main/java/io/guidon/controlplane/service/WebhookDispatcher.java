package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.domain.CircuitBreaker;
import io.guidon.controlplane.domain.RetrySchedule;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.WebhookSignature;
import io.guidon.controlplane.domain.WebhookSubscription;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.store.Transactions;
import io.guidon.controlplane.store.WebhookRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each control-plane replica's webhook delivery worker (docs/adr/0120-webhooks.md). A {@link ReplicaTask} claims due
 * deliveries ({@link WebhookRepository#due}: {@code FOR UPDATE SKIP LOCKED}, then a lease of {@code webhooks.lease}
 * under a token of this claim), as many as this replica has room for in flight (in all and per endpoint), and sends
 * each on its own virtual thread, so that the next claim never waits for a slow endpoint. Each attempt is signed
 * (Standard Webhooks, {@link WebhookSignature}), sent by the {@link WebhookSender}, and its outcome written in one
 * transaction: the attempt in the log; delivered, or due again by the {@link RetrySchedule}, or failed once its
 * window ended; the endpoint's {@link CircuitBreaker}; and the subscription disabled with an audit entry
 * ({@code webhook.disable}) when every attempt failed for {@code webhooks.auto-disable-after}, when a delivery is given
 * up with nothing delivered to the endpoint since its window opened, or at once on {@code 410 Gone}. A disabled
 * subscription's deliveries are held, never given up (the one whose attempt disabled it among them), until it is
 * enabled again. An
 * outcome whose lease was lost (the delivery was redelivered, or another replica took it over) is only logged.
 *
 * <p>At least once: a replica that dies after sending and before writing the outcome leaves a lease that ends, and
 * the delivery is sent again (with the same {@code webhook-id}).
 *
 * <p>Metrics (this replica's attempts): {@code guidon.webhooks.attempts} by {@code outcome}: {@code succeeded} (2xx,
 * delivered), {@code failed} (to be retried), {@code given_up} (the last attempt of its window failed: marked
 * failed), {@code lease_lost} (its lease was lost meanwhile: the attempt is in the log, its outcome changes nothing);
 * and {@code guidon.webhooks.attempt.latency}, each attempt's time from resolving the host to the end of the answer
 * or the error.
 */
public final class WebhookDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** The agent of the server's own audit entries about webhooks. */
    public static final String AGENT = "webhook-delivery";

    private final Pool pool;
    private final WebhookRepository webhooks;
    private final AuditLog audit;
    private final WebhookSender sender;
    private final ControlPlaneConfig.Webhooks config;
    private final Function<Callable<Integer>, Future<Integer>> onVirtualThread;
    private final String replica;
    private final RetrySchedule retries;
    private final CircuitBreaker breaker;
    private final ReplicaTask task;
    /** Requests in flight: in all, and per subscription. Guarded by {@code this}. */
    private int inFlight;
    private final Map<Long, Integer> perEndpoint = new HashMap<>();
    private final Set<Future<Integer>> sending = new HashSet<>();
    private final Map<Outcome, Counter> attempts = new java.util.EnumMap<>(Outcome.class);
    private final Timer latency;

    /** What an attempt's outcome did to its delivery: the {@code outcome} tag of {@code guidon.webhooks.attempts}. */
    enum Outcome {
        SUCCEEDED, FAILED, GIVEN_UP, LEASE_LOST
    }

    /**
     * @param replica this replica's name, in the delivery log and the claims' tokens
     * @param onVirtualThread runs a sequential task on a virtual thread (the admin API's {@code AdminThreads})
     */
    public WebhookDispatcher(Vertx vertx, Pool pool, WebhookRepository webhooks, AuditLog audit, WebhookSender sender,
            ControlPlaneConfig.Webhooks config, String replica,
            Function<Callable<Integer>, Future<Integer>> onVirtualThread, MeterRegistry registry) {
        this.pool = pool;
        this.webhooks = webhooks;
        this.audit = audit;
        this.sender = sender;
        this.config = config;
        this.replica = replica;
        this.onVirtualThread = onVirtualThread;
        this.retries = new RetrySchedule(config.retryInitialDelay(), config.retryMaxDelay(), config.giveUpAfter());
        this.breaker = new CircuitBreaker(config.circuitFailureThreshold(), config.circuitOpenFor(),
                config.circuitMaxOpen());
        for (Outcome o : Outcome.values()) {
            attempts.put(o, Counter.builder("guidon.webhooks.attempts").tag("outcome",
                    o.name().toLowerCase(java.util.Locale.ROOT)).description("Webhook delivery attempts made by this"
                    + " replica, by what came of them").register(registry));
        }
        // The HTTP histograms' 16 buckets (100 µs to 10 s), not a percentile histogram's ~70 (/metrics size).
        this.latency = Timer.builder("guidon.webhooks.attempt.latency")
                .serviceLevelObjectives(io.guidon.common.metrics.Metrics.latencyBuckets())
                .description("Time of one webhook attempt: resolving the host, connecting, sending, the answer")
                .register(registry);
        this.task = new ReplicaTask(vertx, "webhook deliveries", config.pollInterval(), this::claimAndSend,
                onVirtualThread);
    }

    /** Starts the claims (the first at once: what was left due while every replica was down is sent now). */
    public void start() {
        task.start();
    }

    /**
     * Stops claiming; completes when the requests in flight have ended and their outcomes are written, or after
     * {@link #STOP_WAIT} (a slow endpoint's request is then cut off with the process, and its lease makes it due
     * again: at least once).
     */
    public Future<Void> stop() {
        return task.stop().compose(v -> {
            List<Future<Integer>> last;
            synchronized (this) {
                last = new ArrayList<>(sending);
            }
            return Future.join(last).timeout(STOP_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .<Void>mapEmpty().otherwiseEmpty();
        });
    }

    /** The longest a stopping replica waits for its requests in flight. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** One claim: true when it filled every free slot (more may be due at once). */
    private boolean claimAndSend() {
        int room;
        long[] busy;
        Map<Long, Integer> free = new HashMap<>();
        synchronized (this) {
            room = Math.min(config.batchSize(), config.maxInFlight() - inFlight);
            busy = perEndpoint.entrySet().stream().filter(e -> e.getValue() >= config.maxInFlightPerEndpoint())
                    .mapToLong(Map.Entry::getKey).toArray();
            perEndpoint.forEach((id, n) -> free.put(id, config.maxInFlightPerEndpoint() - n));
        }
        if (room <= 0) {
            return false;
        }
        String token = replica + "/" + UUID.randomUUID();
        List<WebhookRepository.Claimed> claimed = Transactions.await(pool, c -> {
            List<WebhookRepository.Claimed> due = await(webhooks.due(c, busy, config.maxInFlightPerEndpoint(), room));
            Map<Long, Integer> left = new HashMap<>(free);
            Set<Long> halfOpen = new HashSet<>();
            List<WebhookRepository.Claimed> chosen = new ArrayList<>();
            for (WebhookRepository.Claimed d : due) {
                long sub = d.subscriptionId();
                boolean trial = d.consecutiveFailures() >= config.circuitFailureThreshold();
                int slots = left.getOrDefault(sub, config.maxInFlightPerEndpoint());
                if (slots <= 0 || (trial && halfOpen.contains(sub))) {
                    continue;
                }
                if (trial) {
                    // A half-open circuit: one trial, and no other replica tries it before the trial's outcome.
                    halfOpen.add(sub);
                }
                left.put(sub, slots - 1);
                chosen.add(d);
            }
            if (!chosen.isEmpty()) {
                await(webhooks.lease(c, chosen.stream().mapToLong(WebhookRepository.Claimed::deliveryId).toArray(),
                        token, config.lease()));
            }
            if (!halfOpen.isEmpty()) {
                await(webhooks.holdCircuits(c, halfOpen.stream().mapToLong(Long::longValue).toArray(),
                        config.lease()));
            }
            return chosen;
        });
        for (WebhookRepository.Claimed d : claimed) {
            synchronized (this) {
                inFlight++;
                perEndpoint.merge(d.subscriptionId(), 1, Integer::sum);
            }
            Future<Integer> f = onVirtualThread.apply(() -> {
                deliver(d, token);
                return 1;
            });
            synchronized (this) {
                sending.add(f);
            }
            f.onComplete(done -> {
                if (done.failed()) {
                    LOG.warn("a webhook delivery's outcome could not be written; its lease ends and it is sent again",
                            done.cause());
                }
                synchronized (this) {
                    sending.remove(f);
                    inFlight--;
                    perEndpoint.computeIfPresent(d.subscriptionId(), (k, n) -> n <= 1 ? null : n - 1);
                }
                // The next delivery of its resource (waiting for this one) may be due now: claim it at once
                // rather than a poll interval later (a burst of changes to one flag goes out back to back).
                task.wake();
            });
        }
        return !claimed.isEmpty() && claimed.size() >= room;
    }

    /** Signs and sends one delivery, then writes what came of it. */
    void deliver(WebhookRepository.Claimed d, String token) {
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = Instant.now().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", d.messageId());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", WebhookSignature.header(d.secret(), d.previousSecret(), d.messageId(),
                timestamp, body));
        WebhookSender.Outcome outcome = await(sender.send(new WebhookSender.Request(d.url(), headers, body,
                Duration.ofMillis(d.timeoutMs()))));
        latency.record(outcome.latencyMs(), TimeUnit.MILLISECONDS);
        attempts.get(record(d, token, outcome)).increment();
    }

    private Outcome record(WebhookRepository.Claimed d, String token, WebhookSender.Outcome o) {
        String response = o.response() == null ? null : o.response().replace("\u0000", "");
        return Transactions.await(pool, c -> {
            await(webhooks.attempt(c, d.deliveryId(), o.status(), o.error(), (int) Math.min(Integer.MAX_VALUE,
                    o.latencyMs()), response, replica));
            WebhookRepository.Health h = await(webhooks.lockHealth(c, d.subscriptionId()));
            OffsetDateTime retryFrom = h == null ? null : await(webhooks.retryFrom(c, d.deliveryId(), token));
            if (retryFrom == null) {
                LOG.info("delivery {}'s attempt ended after its lease was lost (redelivered, taken over by another"
                        + " replica, or its subscription deleted): the attempt is logged and changes nothing",
                        d.deliveryId());
                return Outcome.LEASE_LOST;
            }
            if (o.success()) {
                await(webhooks.delivered(c, d.deliveryId(), o.status()));
                await(webhooks.health(c, h.id(), true, 0, null, null));
                return Outcome.SUCCEEDED;
            }
            Instant now = h.now().toInstant();
            Instant next = retries.next(d.attempts() + 1, retryFrom.toInstant(), now,
                    ThreadLocalRandom.current().nextDouble(), o.retryAfter());
            String error = o.error() != null ? o.error() : "answered HTTP " + o.status();
            OffsetDateTime failingSince = h.failingSince() == null ? h.now() : h.failingSince();
            String disable = null;
            if (o.status() != null && o.status() == 410) {
                disable = "the endpoint answered 410 Gone: it asks for no more webhooks";
            } else if (!failingSince.toInstant().plus(config.autoDisableAfter()).isAfter(now)) {
                disable = "every attempt failed since " + failingSince.toInstant() + " (webhooks.auto-disable-after: "
                        + config.autoDisableAfter() + "); the last: " + error;
            } else if (next == null && (h.lastSuccessAt() == null || h.lastSuccessAt().isBefore(retryFrom))) {
                disable = "delivery " + d.deliveryId() + " was given up after failing for webhooks.give-up-after ("
                        + config.giveUpAfter() + ") and nothing was delivered to the endpoint meanwhile; the last: "
                        + error;
            }
            // A subscription disabled (by this attempt, or meanwhile by an admin) holds its deliveries instead of
            // giving them up: enabled again, it gets them with a new retry window, this one first in its
            // resource's order (a give-up here would lose the change, and its redelivery would come after the later
            // changes of its resource).
            boolean held = disable != null || !h.enabled();
            Instant due = held && next == null ? now : next;
            await(webhooks.failedAttempt(c, d.deliveryId(), o.status(), error, utc(due)));
            CircuitBreaker.State s = breaker.onFailure(new CircuitBreaker.State(h.consecutiveFailures(),
                    h.circuitOpenUntil() == null ? null : h.circuitOpenUntil().toInstant()), now);
            await(webhooks.health(c, h.id(), false, s.failures(), utc(s.openUntil()), failingSince));
            if (disable != null && h.enabled()) {
                WebhookSubscription before = await(webhooks.lock(c, h.tenantId(), h.id(),
                        io.guidon.controlplane.store.RowLock.NONE));
                await(webhooks.disable(c, h.id(), disable));
                Actor system = new Actor(h.tenantId(), h.tenantKey(), null, "guidon", AGENT + "-"
                        + UUID.randomUUID(), AGENT);
                ObjectNode after = StoredJson.object().put("id", h.id()).put("enabled", false)
                        .put("disabledReason", disable);
                ObjectNode was = StoredJson.object().put("id", h.id()).put("enabled", before.spec().enabled());
                await(audit.record(c, system, new AuditLog.Entry("webhook.disable",
                        WebhookSubscription.RESOURCE_TYPE, Long.toString(h.id()), null, was, after)));
                LOG.warn("webhook {} of tenant {} disabled: {}", h.id(), h.tenantKey(), disable);
            }
            return due == null ? Outcome.GIVEN_UP : Outcome.FAILED;
        });
    }

    private static OffsetDateTime utc(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
