package io.guidon.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.protocol.ClientIdentity;
import io.guidon.protocol.ProtocolException;
import io.guidon.protocol.snapshots.FullSnapshot;
import io.guidon.protocol.snapshots.SnapshotAnswer;
import io.guidon.protocol.snapshots.SnapshotCodec;
import io.guidon.protocol.snapshots.SnapshotDelta;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Flags straight from the control plane, as a connected sidecar reads them (ADR 0103; the answers are the protocol
 * module's {@link FullSnapshot} and {@link SnapshotDelta}, read with {@link SnapshotCodec}): {@code GET
 * /api/v1/sidecar/flags} with the sidecar key, first for the environment's whole document, then every poll interval
 * with {@code ?since=N} (and {@code If-None-Match: "N"}) for what changed after the version held: 304 when nothing,
 * else a delta ({@code "full": false, "since", "changed": {"flags": {key: flag or null}, "segments": {...}}}) applied
 * to the held document, or the whole document again when the change log no longer reaches back that far. A delta
 * that does not follow the version held, or does not apply, is answered by fetching everything. The whole document
 * is asked for gzip-compressed. A refused key (401, 403) is reported as such, and retried at each poll. Every
 * successful exchange is reported, an unchanged answer included ({@link Listener#unchanged}): the source recovered.
 * Each request names the provider ({@link ClientIdentity}: {@code Guidon-Instance} and {@code User-Agent:
 * guidon-openfeature/<version>}), so that the control plane lists it with the version it holds.
 */
final class ControlPlaneFlagSource implements FlagSource {

    private final String base;
    private final String authorization;
    private final String instanceId;
    private final String environment;
    /** {@code <tenant>/<environment>} of the last answer that named both; read by the evaluation events' thread. */
    private volatile String flagSetId;
    private final Duration interval;
    private final Duration timeout;
    private final FlagDocumentCompiler compiler;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private ObjectNode held;
    private long heldVersion = -1;
    private Listener listener;
    private ScheduledFuture<?> poll;
    private volatile boolean closed;

    ControlPlaneFlagSource(URI baseUrl, String sidecarKey, String environment, Duration interval, Duration timeout,
            FlagDocumentCompiler compiler, HttpClient http, ScheduledExecutorService scheduler, String instanceId) {
        String b = baseUrl.toString();
        this.instanceId = instanceId;
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.authorization = "Bearer " + sidecarKey;
        this.environment = environment;
        this.interval = interval;
        this.timeout = timeout;
        this.compiler = compiler;
        this.http = http;
        this.scheduler = scheduler;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        poll = scheduler.scheduleWithFixedDelay(this::fetch, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One poll; the scheduler's thread only. */
    void fetch() {
        if (closed) {
            return;
        }
        try {
            if (!fetch(heldVersion)) {
                // A delta that does not follow or apply: everything, at once.
                fetch(-1);
            }
        } catch (IOException e) {
            listener.failed("the control plane at " + base + " cannot be reached: " + e, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            listener.failed("reading flags from the control plane at " + base + " failed: " + e, false);
        }
    }

    /** Returns false when a whole document is needed instead of what came. */
    private boolean fetch(long since) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/api/v1/sidecar/flags"
                        + (since >= 0 ? "?since=" + since : "")))
                .timeout(timeout).header("Authorization", authorization).header("Accept", "application/json")
                .header("Accept-Encoding", "gzip").header(ClientIdentity.INSTANCE_HEADER, instanceId)
                .header("User-Agent", ClientIdentity.userAgent(ClientIdentity.OPENFEATURE)).GET();
        if (since >= 0) {
            req.header("If-None-Match", "\"" + since + "\"");
        }
        HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 304) {
            listener.unchanged(describe());
            return true;
        }
        byte[] body = r.body();
        if (r.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            listener.failed("the control plane at " + base + " refused the sidecar key (" + r.statusCode() + "): "
                    + Http.excerpt(body), false);
            return true;
        }
        if (r.statusCode() != 200) {
            listener.failed("the control plane at " + base + " answered GET /api/v1/sidecar/flags with "
                    + r.statusCode() + ": " + Http.excerpt(body), false);
            return true;
        }
        SnapshotAnswer answer;
        try {
            answer = SnapshotCodec.decode(body);
        } catch (ProtocolException e) {
            listener.failed("the control plane at " + base + " sent unreadable flags: " + e.getMessage(), false);
            return true;
        }
        String env = answer.environment();
        if (environment != null && env != null && !environment.equals(env)) {
            listener.failed("the sidecar key is for environment '" + env + "', not '" + environment + "'", false);
            return true;
        }
        if (answer.tenant() != null && env != null) {
            flagSetId = answer.tenant() + "/" + env;
        }
        long version = answer.version();
        ObjectNode document;
        boolean full = answer instanceof FullSnapshot;
        switch (answer) {
            case FullSnapshot f -> {
                if (version == heldVersion && held != null) {
                    listener.unchanged(describe());
                    return true;
                }
                document = f.document();
            }
            case SnapshotDelta d -> {
                if (held == null || d.since() != heldVersion) {
                    return false;
                }
                if (version <= heldVersion) {
                    listener.unchanged(describe());
                    return true;
                }
                document = held.deepCopy();
                replace(document, "flags", d.flags());
                replace(document, "segments", d.segments());
            }
        }
        Compilation c = compiler.compile(document);
        if (!c.ok()) {
            if (!full) {
                return false;
            }
            listener.failed(Documents.problems("the document of the control plane at " + base + " (version "
                    + version + ")", c), true);
            return true;
        }
        held = document;
        heldVersion = version;
        listener.loaded(c.flagSet(), version, "control plane " + base + (env == null ? "" : " (" + env + ")"));
        return true;
    }

    private static void replace(ObjectNode doc, String section, Map<String, JsonNode> changes) {
        ObjectNode target = doc.get(section) instanceof ObjectNode o ? o : doc.putObject(section);
        for (Map.Entry<String, JsonNode> e : changes.entrySet()) {
            if (e.getValue() == null || e.getValue().isNull()) {
                target.remove(e.getKey());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    @Override
    public String flagSetId() {
        return flagSetId;
    }

    @Override
    public String describe() {
        return "control plane " + base;
    }

    @Override
    public void close() {
        closed = true;
        if (poll != null) {
            poll.cancel(false);
        }
    }
}
