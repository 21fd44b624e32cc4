package io.guidon.protocol.changes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.protocol.ProtocolException;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The message the control plane publishes on Redis after it committed a change to an environment's flag document,
 * on the channel {@link #channel}: {@code {"tenant","environment","version","changed":[...]}} (compact JSON, this
 * order), where {@code changed} holds the keys of the flags whose evaluation may differ after it (changed
 * themselves, or depending on a changed segment or prerequisite). A sidecar that reads it fetches what changed
 * after the version it holds; one that misses it catches up by polling. Immutable.
 *
 * @param version the environment's version after the change (raised by every commit)
 */
public record ChangeNotification(String tenant, String environment, long version, List<String> changed) {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper READER = new ObjectMapper();

    public ChangeNotification {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(environment, "environment");
        changed = List.copyOf(changed);
    }

    /** The channel of one environment: {@code <prefix>:changes:<tenant>:<environment>}. */
    public static String channel(String prefix, String tenant, String environment) {
        return prefix + ":changes:" + tenant + ":" + environment;
    }

    /** The pattern of every environment's channel ({@code PSUBSCRIBE}): {@code <prefix>:changes:*}. */
    public static String everyChannel(String prefix) {
        return prefix + ":changes:*";
    }

    /** The message as published. */
    public String encode() {
        StringWriter out = new StringWriter(64 + changed.size() * 24);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("tenant", tenant);
            g.writeStringField("environment", environment);
            g.writeNumberField("version", version);
            g.writeArrayFieldStart("changed");
            for (String key : changed) {
                g.writeString(key);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toString();
    }

    /**
     * Reads a published message: {@code tenant} and {@code environment} strings and a whole, non-negative
     * {@code version} are required; {@code changed}, when present, is an array of strings; other members are
     * ignored (a newer publisher may add some).
     *
     * @throws ProtocolException naming what is wrong, when the message is not such an object
     */
    public static ChangeNotification decode(String json) {
        JsonNode node;
        try {
            node = READER.readTree(json);
        } catch (IOException e) {
            throw new ProtocolException("a change notification that is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("a change notification must be a JSON object");
        }
        JsonNode version = node.get("version");
        if (version == null || !version.canConvertToExactIntegral() || !version.canConvertToLong()
                || version.longValue() < 0) {
            throw new ProtocolException("a change notification needs a version (a whole number, not negative)");
        }
        if (!node.path("tenant").isTextual() || !node.path("environment").isTextual()) {
            throw new ProtocolException("a change notification needs a tenant and an environment (strings)");
        }
        List<String> changed = new ArrayList<>();
        JsonNode keys = node.get("changed");
        if (keys != null && !keys.isNull()) {
            if (!keys.isArray()) {
                throw new ProtocolException("a change notification's changed must be an array of flag keys");
            }
            for (JsonNode k : keys) {
                if (!k.isTextual()) {
                    throw new ProtocolException("a change notification's changed must be an array of flag keys");
                }
                changed.add(k.asText());
            }
        }
        return new ChangeNotification(node.get("tenant").asText(), node.get("environment").asText(),
                version.longValue(), changed);
    }
}
