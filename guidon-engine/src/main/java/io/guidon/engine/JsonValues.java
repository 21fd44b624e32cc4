package io.guidon.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.json.Pointer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as a compiled flag set keeps them: as text (with the compiler's mapper), as plain Java values, and
 * with every number in the form it keeps on the wire.
 */
final class JsonValues {

    private final ObjectMapper mapper;

    JsonValues(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code node} as JSON text. */
    String json(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serializes", e);
        }
    }

    /** A JSON value as a plain Java value: Boolean, String, Long or Double, unmodifiable Map and List. */
    static Object javaValue(JsonNode v) {
        switch (v.getNodeType()) {
            case BOOLEAN:
                return v.booleanValue();
            case STRING:
                return v.textValue();
            case NUMBER:
                if (v.isIntegralNumber() && v.canConvertToLong()) {
                    return v.longValue();
                }
                if (v.isBigDecimal()) {
                    BigDecimal d = v.decimalValue();
                    if (d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0) {
                        try {
                            return d.longValueExact();
                        } catch (ArithmeticException tooBig) {
                            return d.doubleValue();
                        }
                    }
                }
                return v.doubleValue();
            case OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    m.put(e.getKey(), javaValue(e.getValue()));
                }
                return Collections.unmodifiableMap(m);
            }
            case ARRAY: {
                List<Object> l = new ArrayList<>(v.size());
                for (JsonNode e : v) {
                    l.add(javaValue(e));
                }
                return Collections.unmodifiableList(l);
            }
            default:
                return null;
        }
    }

    /**
     * {@code node} with every number in the form it keeps on the wire: integers (also inside objects) as 64-bit
     * integers, decimals as doubles (whose JSON form always has a fraction: {@code 2.0}, {@code 1.0E20}), and, when
     * {@code decimal} (a float flag), a top-level integer as a double too. A number that cannot keep its form is
     * reported at its place: an integer beyond signed 64 bits, a decimal beyond the double range or one that
     * underflows to zero. Nodes without numbers are returned as they are.
     */
    static JsonNode wireNumbers(JsonNode node, Pointer where, boolean decimal, Problems problems) {
        if (node.isNumber()) {
            if (node.isIntegralNumber() && !decimal) {
                if (!node.canConvertToLong()) {
                    problems.error(where, "the integer " + node.asText() + " does not fit in a signed 64-bit integer "
                            + "(-2^63 to 2^63-1); write it with a fraction (" + node.asText() + ".0) to make it a "
                            + "float");
                    return node;
                }
                return node.isLong() ? node : LongNode.valueOf(node.longValue());
            }
            BigDecimal exact = node.decimalValue();
            double d = exact.doubleValue();
            if (Double.isInfinite(d)) {
                problems.error(where, "the number " + exact + " is outside the range of a 64-bit floating-point "
                        + "number (about ±1.8E308)");
                return node;
            }
            if (d == 0 && exact.signum() != 0) {
                problems.error(where, "the number " + exact + " is too small for a 64-bit floating-point number: it "
                        + "would become 0");
                return node;
            }
            return DoubleNode.valueOf(d);
        }
        if (node.isObject()) {
            ObjectNode out = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = wireNumbers(e.getValue(), where.field(e.getKey()), false, problems);
                if (v != e.getValue() && out == null) {
                    out = ((ObjectNode) node).deepCopy();
                }
                if (out != null) {
                    out.set(e.getKey(), v);
                }
            }
            return out == null ? node : out;
        }
        if (node.isArray()) {
            ArrayNode out = null;
            for (int i = 0; i < node.size(); i++) {
                JsonNode v = wireNumbers(node.get(i), where.index(i), false, problems);
                if (v != node.get(i) && out == null) {
                    out = ((ArrayNode) node).deepCopy();
                }
                if (out != null) {
                    out.set(i, v);
                }
            }
            return out == null ? node : out;
        }
        return node;
    }
}
