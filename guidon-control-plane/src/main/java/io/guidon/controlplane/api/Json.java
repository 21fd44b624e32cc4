package io.guidon.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * JSON of the control plane. Every number keeps its value and its kind as written, on every hop (request, database,
 * audit log, the document served to sidecars): an integer stays an integer and a decimal ({@code 2.0}, {@code 1e20},
 * {@code 10.00000000000000001}) stays the exact decimal written, always with a fraction, because the engine makes a
 * number flag with any decimal variant a float flag (docs/flag-format.md, "Numbers"). Decimals are kept in the one
 * form that PostgreSQL's jsonb stores as written: plain, with at least one decimal ({@code 1e20} is kept as
 * {@code 100000000000000000000.0}; jsonb would turn {@code 1e20} into the integer {@code 100000000000000000000}), and
 * {@code -0.0} is the decimal zero {@code 0.0} (a decimal has no negative zero; the engine reads it so too).
 */
public final class Json {

    public static final JsonNodeFactory NODES = io.guidon.controlplane.domain.StoredJson.NODES;
    public static final ObjectMapper MAPPER = io.guidon.controlplane.domain.StoredJson.MAPPER;

    private Json() {
    }

    public static ObjectNode object() {
        return io.guidon.controlplane.domain.StoredJson.object();
    }

    public static ArrayNode array() {
        return io.guidon.controlplane.domain.StoredJson.array();
    }

    /** Parses JSON that the server itself stored. */
    public static JsonNode parse(String json) {
        return io.guidon.controlplane.domain.StoredJson.parse(json);
    }

    public static String write(JsonNode node) {
        return io.guidon.controlplane.domain.StoredJson.write(node);
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }

    /**
     * A plain Java value from {@link io.guidon.json.BoundedJson} (Map, List, String, Boolean, null, Integer,
     * Long, BigInteger, BigDecimal) as a tree, each decimal in its stored form ({@link #decimal}).
     */
    @SuppressWarnings("unchecked")
    public static JsonNode tree(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode o = object();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                o.set(e.getKey(), tree(e.getValue()));
            }
            return o;
        }
        if (value instanceof List<?> list) {
            ArrayNode a = array();
            for (Object e : list) {
                a.add(tree(e));
            }
            return a;
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof BigDecimal d) {
            return decimal(d);
        }
        if (value instanceof Double d) {
            return decimal(new BigDecimal(Double.toString(d)));
        }
        if (value instanceof BigInteger i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Number n) {
            return NODES.numberNode(n.longValue());
        }
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }

    /**
     * A decimal in the form it is stored and served in: the same value, written plain with at least one decimal
     * ({@code 2.0} stays {@code 2.0}, {@code 1E+20} becomes {@code 100000000000000000000.0}), so that it reads back
     * from jsonb, and in the engine, as a decimal.
     */
    public static JsonNode decimal(BigDecimal d) {
        return io.guidon.controlplane.domain.StoredJson.decimal(d);
    }
}
