package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.store.WebhookRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each control-plane replica's webhook upkeep (docs/webhooks.md#retention, docs/adr/0120-webhooks.md), a step of a
 * {@link ReplicaTask}: deletes finished deliveries (delivered, or failed for good) whose end is older than
 * {@code webhooks.retention}, with their attempts, {@link #CHUNK} deliveries per statement (each its own short
 * transaction, rows locked {@code FOR UPDATE SKIP LOCKED}, so replicas doing it at once share the work and a
 * redelivery in progress is never waited for); pending deliveries are never deleted. At the end of each run it
 * refreshes the two delivery gauges from one query, so that a scrape of {@code /metrics} reads memory only:
 * {@code guidon.webhooks.deliveries.due} (deliveries due now and not leased, over every replica) and
 * {@code guidon.webhooks.circuits.open} (endpoints whose circuit is open).
 */
public final class WebhookUpkeep {

    /** The most deliveries one statement deletes: a short transaction, whatever the backlog of old rows. */
    public static final int CHUNK = 500;

    private final WebhookRepository webhooks;
    private final Duration retention;
    private final int chunk;
    private final AtomicLong due = new AtomicLong();
    private final AtomicLong openCircuits = new AtomicLong();
    private final Counter deleted;

    /** @param retention how long a finished delivery is kept after it finished ({@code webhooks.retention}) */
    public WebhookUpkeep(WebhookRepository webhooks, Duration retention, MeterRegistry registry) {
        this(webhooks, retention, registry, CHUNK);
    }

    /** With chunks of {@code chunk} rows (tests make them small to see them). */
    WebhookUpkeep(WebhookRepository webhooks, Duration retention, MeterRegistry registry, int chunk) {
        this.webhooks = webhooks;
        this.retention = retention;
        this.chunk = chunk;
        Gauge.builder("guidon.webhooks.deliveries.due", due, AtomicLong::get)
                .description("Webhook deliveries due now and not being sent, over every replica (as of this"
                        + " replica's last upkeep)").register(registry);
        Gauge.builder("guidon.webhooks.circuits.open", openCircuits, AtomicLong::get)
                .description("Webhook endpoints whose circuit breaker is open, over every replica (as of this"
                        + " replica's last upkeep)").register(registry);
        this.deleted = Counter.builder("guidon.webhooks.deliveries.deleted")
                .description("Finished webhook deliveries deleted after webhooks.retention").register(registry);
    }

    /**
     * One chunk of the retention, on a virtual thread: true when a whole chunk was deleted (more may be old);
     * otherwise it refreshes the gauges and answers false (the run is over).
     */
    public boolean step() {
        int n = await(webhooks.deleteFinished(retention, chunk));
        deleted.increment(n);
        if (n >= chunk) {
            return true;
        }
        WebhookRepository.Backlog b = await(webhooks.backlog());
        due.set(b.due());
        openCircuits.set(b.openCircuits());
        return false;
    }
}
