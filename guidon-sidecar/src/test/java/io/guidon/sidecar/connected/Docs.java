package io.guidon.sidecar.connected;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.common.config.Settings;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.SidecarConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small flag documents and connected-mode settings for the tests of this package. */
final class Docs {

    static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();

    private Docs() {
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) COMPILER.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A boolean flag serving {@code variant} to everyone (and "on" to the targeted user-42). */
    static ObjectNode booleanFlag(String variant) {
        return json("""
                {"enabled":true,"variants":{"on":true,"off":false},"offVariant":"off",
                 "targets":[{"variant":"on","values":["user-42"]}],
                 "fallthrough":{"variant":"%s"}}""".formatted(variant));
    }

    /** A flag serving "on" to the segment {@code segment}, "off" to everyone else. */
    static ObjectNode segmentFlag(String segment) {
        return json("""
                {"enabled":true,"variants":{"on":true,"off":false},"offVariant":"off",
                 "rules":[{"id":"seg","when":{"segment":"%s"},"serve":{"variant":"on"}}],
                 "fallthrough":{"variant":"off"}}""".formatted(segment));
    }

    static ObjectNode segment(String... included) {
        ObjectNode s = COMPILER.mapper().createObjectNode();
        var arr = s.putArray("included");
        for (String k : included) {
            arr.add(k);
        }
        return s;
    }

    /** A flag that does not compile: its fallthrough names a variant it does not have. */
    static ObjectNode brokenFlag() {
        return json("""
                {"enabled":true,"variants":{"on":true,"off":false},"offVariant":"off",
                 "fallthrough":{"variant":"missing"}}""");
    }

    /** The base document of these tests: flags a, b, c (c uses segment beta) and segment beta. */
    static ObjectNode base() {
        ObjectNode doc = COMPILER.mapper().createObjectNode();
        doc.putObject("segments").set("beta", segment("user-1"));
        ObjectNode flags = doc.putObject("flags");
        flags.set("a", booleanFlag("off"));
        flags.set("b", booleanFlag("on"));
        flags.set("c", segmentFlag("beta"));
        return doc;
    }

    static FlagSet compile(JsonNode doc) {
        Compilation c = COMPILER.compile(doc);
        if (!c.ok()) {
            throw new IllegalArgumentException("test document does not compile: " + c.errors());
        }
        return c.flagSet();
    }

    static JsonNode tree(String json) {
        try {
            return COMPILER.mapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /**
     * Connected-mode settings for a control plane at {@code url} with fast timers, the cache in {@code cacheDir};
     * {@code overrides} are {@code key=value} pairs applied last.
     */
    static SidecarConfig config(String url, Path cacheDir, String... overrides) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("control-plane.url", url);
        o.put("control-plane.sidecar-key", FakeControlPlane.KEY);
        o.put("control-plane.timeout", "2s");
        o.put("control-plane.poll-interval", "1h");
        o.put("control-plane.poll-jitter", "0ms");
        o.put("control-plane.retry-min", "20ms");
        o.put("control-plane.retry-max", "200ms");
        o.put("control-plane.breaker-failures", "3");
        o.put("control-plane.breaker-reset-timeout", "100ms");
        o.put("redis.reconnect-min", "20ms");
        o.put("redis.reconnect-max", "200ms");
        o.put("cache.dir", cacheDir.toString());
        o.put("events.flush-interval", "1h");
        o.put("events.max-batch-events", "1000");
        o.put("events.max-memory-batches", "50");
        o.put("events.max-disk-bytes", "1MiB");
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            o.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return SidecarConfig.from(Settings.load(SidecarConfig.DEFAULTS, null, Map.of(), o));
    }
}
