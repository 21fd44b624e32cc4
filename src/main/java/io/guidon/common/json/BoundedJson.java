package io.guidon.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Parses request bodies from clients we do not trust into plain Java values (Map, List, String, Integer/Long/
 * BigInteger, Double, Boolean, null), refusing documents that are too deep, hold too large arrays or objects, or
 * have too long strings, so that no request can make a server spend unbounded memory or stack on it.
 */
public final class BoundedJson {

    /** Why a body was refused: malformed JSON, or a limit. */
    public static final class Rejected extends Exception {
        private final boolean limit;

        Rejected(String message, boolean limit) {
            super(message, null, false, false);
            this.limit = limit;
        }

        /** True when the JSON was well formed but exceeded a limit. */
        public boolean isLimit() {
            return limit;
        }
    }

    private final ObjectMapper mapper;
    private final int maxDepth;
    private final int maxElements;

    /**
     * @param maxDepth deepest nesting of arrays and objects
     * @param maxElements largest number of entries in any one array or object
     * @param maxStringLength longest string
     */
    public BoundedJson(int maxDepth, int maxElements, int maxStringLength) {
        this.maxDepth = maxDepth;
        this.maxElements = maxElements;
        this.mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(maxStringLength)
                .maxNumberLength(100)
                .build());
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** The parsed value; an empty body is {@code null}. */
    public Object parse(byte[] body) throws Rejected {
        if (body.length == 0) {
            return null;
        }
        Object value;
        try {
            value = mapper.readValue(body, Object.class);
        } catch (StreamConstraintsException e) {
            throw new Rejected(e.getOriginalMessage(), true);
        } catch (JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new Rejected("malformed JSON" + where + ": " + e.getOriginalMessage(), false);
        } catch (IOException e) {
            throw new Rejected("unreadable body: " + e.getMessage(), false);
        }
        checkSizes(value, "");
        return value;
    }

    private void checkSizes(Object value, String path) throws Rejected {
        if (value instanceof Map<?, ?> map) {
            if (map.size() > maxElements) {
                throw new Rejected((path.isEmpty() ? "the body" : path) + " has " + map.size()
                        + " entries; at most " + maxElements + " are allowed", true);
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof List<?>) {
                    checkSizes(e.getValue(), path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey());
                }
            }
        } else if (value instanceof List<?> list) {
            if (list.size() > maxElements) {
                throw new Rejected((path.isEmpty() ? "the body" : path) + " has " + list.size()
                        + " elements; at most " + maxElements + " are allowed", true);
            }
            for (int i = 0; i < list.size(); i++) {
                Object v = list.get(i);
                if (v instanceof Map<?, ?> || v instanceof List<?>) {
                    checkSizes(v, path + "[" + i + "]");
                }
            }
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
