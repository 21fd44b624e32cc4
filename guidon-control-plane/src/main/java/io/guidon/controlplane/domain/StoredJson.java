package io.guidon.controlplane.domain;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * JSON trees as the control plane keeps them, below its HTTP layer (documents, rows, the audit log): every number
 * keeps its value and its kind as written, and a decimal is kept in the one form PostgreSQL's jsonb stores as
 * written (plain, at least one decimal). {@code api.Json} is the same mapper seen from the HTTP layer; the rules are
 * explained there. Here so that the domain, the services and the repositories need nothing of the HTTP layer.
 */
public final class StoredJson {

    /** Nodes whose decimals are exact ({@code 2.0} stays {@code 2.0}). */
    public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Reads decimals as exact {@link BigDecimal}s and writes them plain. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Stored 2.0 read back as 2.0, not 2 (Jackson strips trailing zeros by default, making it an integer).
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(NODES)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private StoredJson() {
    }

    public static ObjectNode object() {
        return new ObjectNode(NODES);
    }

    public static ArrayNode array() {
        return new ArrayNode(NODES);
    }

    /**
     * Parses JSON that the server itself stored; null for null.
     *
     * @throws IllegalStateException if it does not parse (a stored value always does)
     */
    public static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }

    /** The compact JSON text of {@code node}. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }

    /**
     * A decimal in the form it is stored and served in: the same value, written plain with at least one decimal
     * ({@code 2.0} stays {@code 2.0}, {@code 1E+20} becomes {@code 100000000000000000000.0}).
     */
    public static JsonNode decimal(BigDecimal d) {
        return NODES.numberNode(d.scale() < 1 ? d.setScale(1) : d);
    }
}
