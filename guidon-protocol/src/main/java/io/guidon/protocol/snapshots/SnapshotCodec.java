package io.guidon.protocol.snapshots;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes and reads {@link SnapshotAnswer}s: compact UTF-8 JSON, members in the order their records document.
 * Numbers keep their value and their kind on both sides: a decimal is read as the exact decimal written
 * ({@code 2.0} stays {@code 2.0}, so that a number flag with it stays a float flag; the engine's compiler reads a
 * file so too) and written plain ({@code 100000000000000000000.0}, never {@code 1E+20}).
 */
public final class SnapshotCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // 2.0 read as 2.0, not 2 (Jackson strips trailing zeros by default, making it an integer).
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private SnapshotCodec() {
    }

    /**
     * The mapper of flag documents on the wire: decimals read exactly and as written, written plain. Shared and
     * thread-safe; do not reconfigure it.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code answer} as the control plane sends it. */
    public static byte[] encode(SnapshotAnswer answer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(answer instanceof FullSnapshot ? 4096 : 512);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("tenant", answer.tenant());
            g.writeStringField("environment", answer.environment());
            g.writeNumberField("version", answer.version());
            switch (answer) {
                case FullSnapshot full -> {
                    g.writeBooleanField("full", true);
                    g.writeFieldName("document");
                    MAPPER.writeTree(g, full.document());
                }
                case SnapshotDelta delta -> {
                    g.writeBooleanField("full", false);
                    g.writeNumberField("since", delta.since());
                    g.writeObjectFieldStart("changed");
                    writeChanges(g, "flags", delta.flags());
                    writeChanges(g, "segments", delta.segments());
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("a snapshot always serializes", e);
        }
        return out.toByteArray();
    }

    private static void writeChanges(JsonGenerator g, String name, Map<String, JsonNode> changes) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, JsonNode> e : changes.entrySet()) {
            g.writeFieldName(e.getKey());
            MAPPER.writeTree(g, e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * Reads a {@code 200} answer. {@code full} (default true) says which kind it is; {@code version} (a whole
     * number) is required, and so are the whole answer's {@code document} (an object) and the delta's
     * {@code since}; {@code tenant} and {@code environment} may be missing (null); a delta without
     * {@code changed.flags} or {@code changed.segments} changed none; other members are ignored.
     *
     * @throws ProtocolException naming what is wrong when the body is not such an answer
     */
    public static SnapshotAnswer decode(byte[] json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ProtocolException("not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("not a JSON object");
        }
        long version = whole(node, "version");
        String tenant = node.path("tenant").isTextual() ? node.get("tenant").asText() : null;
        String environment = node.path("environment").isTextual() ? node.get("environment").asText() : null;
        if (node.path("full").asBoolean(true)) {
            JsonNode document = node.get("document");
            if (document == null || !document.isObject()) {
                throw new ProtocolException("a whole answer without a document (an object)");
            }
            return new FullSnapshot(tenant, environment, version, (ObjectNode) document);
        }
        long since = whole(node, "since");
        JsonNode changed = node.path("changed");
        return new SnapshotDelta(tenant, environment, version, since, changes(changed.get("flags"), "flags"),
                changes(changed.get("segments"), "segments"));
    }

    private static long whole(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ProtocolException("no " + name + " (a whole number)");
        }
        return v.longValue();
    }

    private static Map<String, JsonNode> changes(JsonNode section, String name) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (section == null || section.isNull()) {
            return out;
        }
        if (!section.isObject()) {
            throw new ProtocolException("changed." + name + " must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
