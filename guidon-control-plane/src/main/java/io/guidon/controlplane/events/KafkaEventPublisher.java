package io.guidon.controlplane.events;

import io.guidon.controlplane.ControlPlaneConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link EventPublisher} to Apache Kafka with the official client's {@link KafkaProducer}: idempotent
 * ({@code enable.idempotence=true}, {@code acks=all}, at most 5 requests in flight per connection, retries until
 * {@code kafka.delivery-timeout}), so that a retry inside the client never duplicates nor reorders a partition's
 * messages; keys as UTF-8 strings, values as the bytes of {@link EventMessages}. {@link #publish} sends every
 * message, then awaits (as a Vert.x future, not blocking its context) the acknowledgement of each; the first failure
 * fails the call.
 */
public final class KafkaEventPublisher implements EventPublisher {

    private final KafkaProducer<String, byte[]> producer;
    private final Map<EventMessages.Kind, String> topics;

    public KafkaEventPublisher(ControlPlaneConfig.Kafka config) {
        this.producer = new KafkaProducer<>(properties(config), new StringSerializer(), new ByteArraySerializer());
        this.topics = Map.of(EventMessages.Kind.COUNTS, config.countsTopic(), EventMessages.Kind.EXPOSURES,
                config.exposuresTopic(), EventMessages.Kind.CONVERSIONS, config.conversionsTopic());
    }

    /** The producer's settings: the file's first, then those the sink's guarantees rest on. */
    static Properties properties(ControlPlaneConfig.Kafka config) {
        Properties p = new Properties();
        p.putAll(config.properties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.bootstrapServers()));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(config.deliveryTimeout().toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(config.requestTimeout().toMillis()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(config.maxBlock().toMillis()));
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(config.linger().toMillis()));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        return p;
    }

    @Override
    public void publish(List<EventMessages.Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        Promise<Void> all = Promise.promise();
        AtomicInteger left = new AtomicInteger(messages.size());
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (EventMessages.Message m : messages) {
            if (failure.get() != null) {
                break;
            }
            try {
                producer.send(new ProducerRecord<>(topics.get(m.kind()), null, m.timestamp(), m.key(), m.value()),
                        (metadata, e) -> {
                            if (e != null && failure.compareAndSet(null, e)) {
                                all.tryFail(e);
                            } else if (left.decrementAndGet() == 0) {
                                all.tryComplete();
                            }
                        });
            } catch (RuntimeException e) {
                // No metadata within max.block.ms (no broker reachable), or a record the client refuses.
                failure.compareAndSet(null, e);
                all.tryFail(e);
            }
        }
        Future.await(all.future());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
