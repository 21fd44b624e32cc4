package io.guidon.sidecar.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.engine.EvaluationResult;

/**
 * Writes the sidecar's responses as text. Evaluation results are assembled from pieces the engine serialized at
 * load (variant values, flag metadata); flag keys, variant names and rule ids are validated at load to need no
 * escaping; anything that came from a client is escaped.
 */
final class JsonText {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonText() {
    }

    static StringBuilder string(StringBuilder sb, String s) {
        if (s == null) {
            return sb.append("null");
        }
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        return sb.append('"');
    }

    static String quoted(String s) {
        return string(new StringBuilder(s.length() + 8), s).toString();
    }

    /** Any JSON-shaped Java value (maps, lists, scalars), through Jackson. */
    static String value(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON-shaped values always serialize", e);
        }
    }

    /** An OFREP evaluation success: {@code {"key","value","reason","variant","metadata"}}. */
    static StringBuilder ofrepSuccess(StringBuilder sb, EvaluationResult r) {
        sb.append("{\"key\":\"").append(r.flagKey()).append("\",\"value\":").append(r.variant().json())
                .append(",\"reason\":\"").append(r.reason().name()).append("\",\"variant\":\"")
                .append(r.variantKey()).append("\",\"metadata\":").append(r.flag().metadataJson()).append('}');
        return sb;
    }

    /** An OFREP evaluation failure: {@code {"key","errorCode","errorDetails"}}. */
    static StringBuilder ofrepFailure(StringBuilder sb, EvaluationResult r) {
        sb.append("{\"key\":");
        string(sb, r.flagKey()).append(",\"errorCode\":\"").append(r.errorCode().name()).append("\",\"errorDetails\":");
        return string(sb, r.errorDetails()).append('}');
    }

    static String error(String errorCode, String details, String key) {
        StringBuilder sb = new StringBuilder(96);
        sb.append('{');
        if (key != null) {
            sb.append("\"key\":");
            string(sb, key).append(',');
        }
        sb.append("\"errorCode\":");
        string(sb, errorCode).append(",\"errorDetails\":");
        return string(sb, details).append('}').toString();
    }
}
