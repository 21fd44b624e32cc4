package io.guidon.controlplane.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.controlplane.Harness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/** Event batches for tests, in the format the sidecar sends, and the requests that send them. */
public final class Batches {

    public static final ObjectMapper JSON = new ObjectMapper();

    public final String batchId = UUID.randomUUID().toString();
    public final String sidecarId = UUID.randomUUID().toString();
    public final List<Map<String, Object>> counts = new ArrayList<>();
    public final List<Map<String, Object>> exposures = new ArrayList<>();
    public final List<Map<String, Object>> conversions = new ArrayList<>();

    public static Instant minute(Instant i) {
        return i.truncatedTo(ChronoUnit.MINUTES);
    }

    public Batches count(String flag, String variant, Instant minute, long count) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flag", flag);
        m.put("variant", variant);
        m.put("minute", minute.toString());
        m.put("count", count);
        counts.add(m);
        return this;
    }

    public Batches exposure(String flag, String variant, String targetingKey, Instant at) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flag", flag);
        m.put("variant", variant);
        m.put("targetingKey", targetingKey);
        m.put("timestamp", at.toString());
        exposures.add(m);
        return this;
    }

    public Batches conversion(String targetingKey, String event, Double value, Instant at) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetingKey", targetingKey);
        m.put("event", event);
        if (value != null) {
            m.put("value", value);
        }
        m.put("timestamp", at.toString());
        conversions.add(m);
        return this;
    }

    public int events() {
        return counts.size() + exposures.size() + conversions.size();
    }

    public Map<String, Object> tree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batchId", batchId);
        m.put("sidecarId", sidecarId);
        m.put("createdAt", Instant.now().toString());
        m.put("counts", counts);
        m.put("exposures", exposures);
        m.put("conversions", conversions);
        return m;
    }

    public byte[] json() {
        try {
            return JSON.writeValueAsBytes(tree());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Posts this batch gzip-compressed, as the sidecar does. */
    public Harness.Resp post(Harness cp, String key) {
        return postGzip(cp, key, json(), batchId);
    }

    /** Posts {@code json} gzip-compressed, with {@code Idempotency-Key: batchId} unless that is null. */
    public static Harness.Resp postGzip(Harness cp, String key, byte[] json, String batchId) {
        return batchId == null
                ? cp.send("POST", "/api/v1/events", key, gzip(json), "Content-Type", "application/json",
                        "Content-Encoding", "gzip")
                : cp.send("POST", "/api/v1/events", key, gzip(json), "Content-Type", "application/json",
                        "Content-Encoding", "gzip", "Idempotency-Key", batchId);
    }

    public static Harness.Resp postPlain(Harness cp, String key, byte[] json) {
        return cp.send("POST", "/api/v1/events", key, json, "Content-Type", "application/json");
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
