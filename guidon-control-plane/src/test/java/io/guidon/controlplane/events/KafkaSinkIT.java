package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.Harness;
import io.guidon.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Kafka sink (ADR 0122) against a real single-node KRaft broker ({@link KafkaBroker}, a process) and a real
 * control plane: every stored event reaches its topic as ingested (schema, key, timestamp, fields), once, in order per
 * key; a retried batch and events left out as invalid are not published; and a broker down while sidecars keep
 * sending loses nothing: ingest goes on into PostgreSQL, the outbox holds the batches (its lag on /metrics), and
 * they all arrive once the broker is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSinkIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] FLAGS = {"checkout", "search.v2", "banner"};

    KafkaBroker broker;
    Harness cp;
    String sidecar;
    String counts;
    String exposures;
    String conversions;
    Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(20, ChronoUnit.MINUTES);

    @BeforeAll
    void start() throws Exception {
        broker = KafkaBroker.shared();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        counts = "counts-" + suffix;
        exposures = "exposures-" + suffix;
        conversions = "conversions-" + suffix;
        broker.createTopics(3, counts, exposures, conversions);
        Map<String, String> s = new HashMap<>();
        s.put("kafka.enabled", "true");
        s.put("kafka.bootstrap-servers", broker.bootstrapServers());
        s.put("kafka.counts-topic", counts);
        s.put("kafka.exposures-topic", exposures);
        s.put("kafka.conversions-topic", conversions);
        s.put("kafka.poll-interval", "20ms");
        s.put("kafka.delivery-timeout", "4s");
        s.put("kafka.request-timeout", "2s");
        s.put("kafka.max-block", "2s");
        s.put("kafka.linger", "1ms");
        s.put("kafka.batches-per-round", "4");
        cp = Harness.start(s);
        String admin = cp.bootstrap("acme");
        cp.post("/api/v1/environments", admin, Map.of("key", "production"));
        sidecar = cp.createKey(admin, "sidecar", "sidecar", "production").json().get("key").asText();
    }

    @AfterAll
    void stop() {
        if (cp != null) {
            cp.close();
        }
        if (!broker.running()) {
            broker.start();
        }
    }

    /** What a test sent: each published event by its dedupe key, and its place in the order of sending. */
    final class Sent {
        final Map<String, ObjectNode> expected = new LinkedHashMap<>();
        final Map<String, Long> order = new HashMap<>();
        final Set<String> batchIds = new java.util.HashSet<>();
        long sequence;

        /** Posts a batch of a few events of each kind (one exposure invalid, left out) and records what it stored. */
        void post(int n) {
            Batches b = new Batches();
            Instant t = base.plusSeconds(n);
            for (int i = 0; i < 2; i++) {
                b.count(FLAGS[i], "on", Batches.minute(t), 10 + n + i);
            }
            for (int i = 0; i < 9; i++) {
                b.exposure(FLAGS[i % 3], i % 2 == 0 ? "on" : "off", "user-" + (n * 7 + i) % 11,
                        t.plusMillis(i));
            }
            for (int i = 0; i < 4; i++) {
                b.conversion("user-" + (n + i) % 5, i % 2 == 0 ? "purchase" : "signup",
                        i == 3 ? null : n * 1.5 + i, t.plusMillis(i));
            }
            Harness.Resp r = b.post(cp, sidecar);
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            batchIds.add(b.batchId);
            for (int i = 0; i < b.counts.size(); i++) {
                expect(b, "guidon.evaluation-count", i, b.counts.get(i), "flag");
            }
            for (int i = 0; i < b.exposures.size(); i++) {
                expect(b, "guidon.exposure", i, b.exposures.get(i), "flag");
            }
            for (int i = 0; i < b.conversions.size(); i++) {
                expect(b, "guidon.conversion", i, b.conversions.get(i), "targetingKey");
            }
        }

        void expect(Batches b, String schema, int index, Map<String, Object> event, String keyField) {
            ObjectNode o = JSON.createObjectNode();
            o.put("schema", schema).put("version", 1).put("tenant", "acme").put("environment", "production")
                    .put("batchId", b.batchId).put("index", index).put("sidecarId", b.sidecarId);
            ObjectNode fields = JSON.valueToTree(event);
            if (schema.equals("guidon.conversion") && !fields.has("value")) {
                fields.putNull("value");
            }
            o.setAll(fields);
            o.put("_key", "acme/production/" + event.get(keyField));
            String id = b.batchId + "/" + schema + "/" + index;
            expected.put(id, o);
            order.put(id, sequence++);
        }
    }

    /** Reads every topic from the start until each event sent arrived, and a moment more; this test's messages. */
    List<ObjectNode> consume(Sent sent, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ObjectNode> got = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(counts, exposures, conversions));
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    ObjectNode o = read(r);
                    if (sent.batchIds.contains(o.get("batchId").asText())) {
                        got.add(o);
                        seen.add(id(o));
                    }
                }
                if (quietUntil == Long.MAX_VALUE && seen.containsAll(sent.expected.keySet())) {
                    // Anything sent twice would be right behind.
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return got;
    }

    ObjectNode read(ConsumerRecord<String, String> r) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(r.value());
            o.put("_key", r.key());
            o.put("_topic", r.topic());
            o.put("_partition", r.partition());
            o.put("_timestamp", r.timestamp());
            return o;
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.value(), e);
        }
    }

    static String id(JsonNode o) {
        return o.get("batchId").asText() + "/" + o.get("schema").asText() + "/" + o.get("index").asInt();
    }

    /** Every message as ingested: its fields, key, topic and timestamp. */
    void assertAsIngested(Sent sent, List<ObjectNode> got) {
        for (ObjectNode o : got) {
            ObjectNode want = sent.expected.get(id(o));
            assertThat(want).as("a message of an event never sent: " + o).isNotNull();
            String schema = o.get("schema").asText();
            assertThat(o.get("_topic").asText()).isEqualTo(switch (schema) {
                case "guidon.evaluation-count" -> counts;
                case "guidon.exposure" -> exposures;
                default -> conversions;
            });
            String time = o.has("minute") ? o.get("minute").asText() : o.get("timestamp").asText();
            assertThat(o.get("_timestamp").asLong()).isEqualTo(Instant.parse(time).toEpochMilli());
            assertThat(Instant.parse(o.get("storedAt").asText())).isBefore(Instant.now().plusSeconds(1));
            ObjectNode copy = o.deepCopy();
            copy.remove(List.of("_topic", "_partition", "_timestamp", "storedAt"));
            // Compared as parsed text: a long sent and an int read are one JSON number.
            assertThat(normal(copy)).isEqualTo(normal(want));
        }
    }

    static JsonNode normal(JsonNode o) {
        try {
            return JSON.readTree(o.toString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Per key, the first arrival of each event is in the order it was sent. */
    void assertOrderPerKey(Sent sent, List<ObjectNode> got) {
        Map<String, List<Long>> byKey = new LinkedHashMap<>();
        Set<String> first = new java.util.HashSet<>();
        for (ObjectNode o : got) {
            if (first.add(id(o))) {
                byKey.computeIfAbsent(o.get("_topic").asText() + " " + o.get("_key").asText(), k -> new ArrayList<>())
                        .add(sent.order.get(id(o)));
            }
        }
        assertThat(byKey).hasSizeGreaterThan(5);
        byKey.forEach((key, order) -> assertThat(order).as("order of " + key).isSorted());
    }

    @Test
    void everyStoredEventArrivesOnceAsIngestedInOrderPerKey() {
        Sent sent = new Sent();
        for (int n = 0; n < 12; n++) {
            sent.post(n);
        }
        // A retried batch is a duplicate: stored once, published once.
        Batches again = new Batches();
        again.exposure("checkout", "on", "user-1", base);
        assertThat(again.post(cp, sidecar).status()).isEqualTo(202);
        assertThat(again.post(cp, sidecar).status()).isEqualTo(200);
        sent.batchIds.add(again.batchId);
        sent.expect(again, "guidon.exposure", 0, again.exposures.get(0), "flag");
        // An event left out as invalid is not stored, so not published: its batch's other event is.
        Batches partly = new Batches();
        partly.exposure("checkout", "on", "user-2", base).exposure("Not A Flag Key", "on", "user-3", base);
        Harness.Resp r = partly.post(cp, sidecar);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("rejectedEvents").get("exposures").asInt()).isEqualTo(1);
        sent.batchIds.add(partly.batchId);
        sent.expect(partly, "guidon.exposure", 0, partly.exposures.get(0), "flag");

        List<ObjectNode> got = consume(sent, Duration.ofSeconds(60));

        assertThat(got.stream().map(KafkaSinkIT::id).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(sent.expected.keySet());
        assertThat(got).as("no event published twice").hasSize(sent.expected.size());
        assertAsIngested(sent, got);
        assertOrderPerKey(sent, got);
        Poll.until("the outbox empty", () -> cp.metric("guidon_kafka_outbox_batches") == 0);
        assertThat(cp.metric("guidon_kafka_published_total", "kind=\"exposures\"")).isGreaterThanOrEqualTo(
                sent.expected.keySet().stream().filter(k -> k.contains("guidon.exposure")).count());
    }

    @Test
    void aBrokerDownWhileSidecarsSendLosesNothing() throws Exception {
        Sent sent = new Sent();
        for (int n = 0; n < 4; n++) {
            sent.post(100 + n);
        }
        double failures = cp.metric("guidon_kafka_failures_total");
        broker.stop();
        try {
            // Ingest into PostgreSQL goes on; the batches wait in the outbox, and /metrics says so.
            for (int n = 4; n < 12; n++) {
                sent.post(100 + n);
            }
            Poll.until("a failed round", Duration.ofSeconds(30),
                    () -> cp.metric("guidon_kafka_failures_total") > failures);
            Poll.until("the lag on /metrics", Duration.ofSeconds(30),
                    () -> cp.metric("guidon_kafka_outbox_batches") > 0
                            && cp.metric("guidon_kafka_outbox_events") > 0);
            try (var c = cp.db.connect(); var st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM event_outbox")) {
                rs.next();
                assertThat(rs.getLong(1)).isPositive();
            }
        } finally {
            broker.start();
        }
        for (int n = 12; n < 16; n++) {
            sent.post(100 + n);
        }

        List<ObjectNode> got = consume(sent, Duration.ofSeconds(90));

        assertThat(got.stream().map(KafkaSinkIT::id).collect(Collectors.toSet()))
                .as("every event arrived").containsExactlyInAnyOrderElementsOf(sent.expected.keySet());
        assertAsIngested(sent, got);
        assertOrderPerKey(sent, got);
        Poll.until("the outbox empty", Duration.ofSeconds(30), () -> cp.metric("guidon_kafka_outbox_batches") == 0
                && cp.metric("guidon_kafka_outbox_oldest_seconds") == 0);
    }
}
