package io.guidon.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flags from a Guidon sidecar: its whole document from {@code GET /v1/flags} (its answer is
 * {@code {"version", "loadedAt", "origin", "document"}} with an ETag, sent back in {@code If-None-Match} so that an
 * unchanged document is a 304), fetched again whenever its change stream {@code GET /v1/stream} (Server-Sent Events:
 * a {@code hello} and then {@code flags-changed} events, each with the version as its id) says something changed,
 * and at every poll interval as a safety net. The stream is read by a thread of its own and reconnected with
 * backoff (250 ms doubling to 30 s), sending {@code Last-Event-ID}; a stream silent for longer than
 * {@link #SILENT_STREAM} (the sidecar sends a comment every heartbeat interval) is dropped and reconnected.
 *
 * <p>The requests name the sidecar by the URL given, so its {@code Host} is that URL's host: the sidecar answers
 * loopback names only unless its {@code http.allowed-hosts} lists others (421 otherwise).
 */
final class SidecarFlagSource implements FlagSource {

    private static final Logger log = LoggerFactory.getLogger(SidecarFlagSource.class);
    static final Duration SILENT_STREAM = Duration.ofSeconds(90);

    private final URI documentUri;
    private final URI streamUri;
    private final String base;
    private final Duration interval;
    private final Duration timeout;
    private final FlagDocumentCompiler compiler;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final String streamThreadName;
    private final AtomicBoolean fetchQueued = new AtomicBoolean();
    private final Backoff backoff = new Backoff(250, 30_000);
    private volatile boolean closed;
    private volatile Stream<String> openStream;
    private volatile long lastLineNanos = System.nanoTime();
    private volatile long heldVersion = -1;
    private String etag;
    private Listener listener;
    private ScheduledFuture<?> poll;
    private Thread streamThread;

    SidecarFlagSource(URI baseUrl, Duration interval, Duration timeout, FlagDocumentCompiler compiler, HttpClient http,
            ScheduledExecutorService scheduler, String streamThreadName) {
        String b = baseUrl.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.documentUri = URI.create(base + "/v1/flags");
        this.streamUri = URI.create(base + "/v1/stream");
        this.interval = interval;
        this.timeout = timeout;
        this.compiler = compiler;
        this.http = http;
        this.scheduler = scheduler;
        this.streamThreadName = streamThreadName;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        poll = scheduler.scheduleWithFixedDelay(this::fetch, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        streamThread = new Thread(this::follow, streamThreadName);
        streamThread.setDaemon(true);
        streamThread.start();
    }

    /** Fetches soon on the scheduler (once, however many events asked meanwhile). */
    private void fetchSoon() {
        if (!closed && fetchQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    fetchQueued.set(false);
                    fetch();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** One conditional {@code GET /v1/flags}; the scheduler's thread only. */
    private void fetch() {
        if (closed) {
            return;
        }
        HttpResponse<byte[]> r;
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(documentUri).timeout(timeout)
                    .header("Accept", "application/json").GET();
            if (etag != null) {
                req.header("If-None-Match", etag);
            }
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            listener.failed("the sidecar at " + base + " cannot be reached: " + e, false);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (r.statusCode() == 304) {
            // The sidecar is readable again even when nothing changed (a reconnected stream's hello leads here).
            listener.unchanged(describe());
            return;
        }
        if (r.statusCode() != 200) {
            listener.failed("the sidecar at " + base + " answered GET /v1/flags with " + r.statusCode() + ": "
                    + Http.excerpt(r.body()), false);
            return;
        }
        JsonNode body;
        try {
            body = compiler.mapper().readTree(r.body());
        } catch (IOException e) {
            listener.failed("the sidecar at " + base + " sent unreadable flags: " + e.getMessage(), false);
            return;
        }
        JsonNode document = body.get("document");
        long version = body.path("version").asLong(-1);
        if (document == null || !document.isObject()) {
            listener.failed("the sidecar at " + base + " sent no document in GET /v1/flags", false);
            return;
        }
        Compilation c = compiler.compile(document);
        if (!c.ok()) {
            listener.failed(Documents.problems("the document of the sidecar at " + base, c), true);
            return;
        }
        etag = r.headers().firstValue("ETag").orElse(null);
        heldVersion = version;
        listener.loaded(c.flagSet(), version, "sidecar " + base);
    }

    /** The stream reader's loop: connect, read events until the stream ends, back off, reconnect. */
    private void follow() {
        while (!closed) {
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(streamUri).timeout(timeout)
                        .header("Accept", "text/event-stream").header("Cache-Control", "no-cache").GET();
                long held = heldVersion;
                if (held >= 0) {
                    req.header("Last-Event-ID", Long.toString(held));
                }
                HttpResponse<Stream<String>> r = http.send(req.build(), HttpResponse.BodyHandlers.ofLines());
                if (r.statusCode() != 200) {
                    r.body().close();
                    throw new IOException("GET /v1/stream answered " + r.statusCode());
                }
                lastLineNanos = System.nanoTime();
                ScheduledFuture<?> watchdog = scheduler.scheduleWithFixedDelay(this::checkSilence,
                        SILENT_STREAM.toMillis(), SILENT_STREAM.toMillis() / 3, TimeUnit.MILLISECONDS);
                try (Stream<String> lines = r.body()) {
                    openStream = lines;
                    read(lines.iterator());
                } finally {
                    openStream = null;
                    watchdog.cancel(false);
                }
                if (!closed) {
                    log.info("the change stream of the sidecar at {} ended; reconnecting", base);
                    fetchSoon();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                log.debug("the change stream of the sidecar at {} failed: {}", base, e.toString());
                // What was missed meanwhile is caught by a fetch (and the failure reported by it).
                fetchSoon();
            }
            if (closed) {
                return;
            }
            try {
                Thread.sleep(backoff.next());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read(Iterator<String> lines) {
        String event = null;
        boolean data = false;
        while (!closed && lines.hasNext()) {
            String line = lines.next();
            lastLineNanos = System.nanoTime();
            if (line.isEmpty()) {
                if (data) {
                    backoff.reset();
                    log.debug("sidecar change stream: {}", event);
                    // hello (a version to compare) or flags-changed: a conditional fetch settles both (304 if same).
                    fetchSoon();
                }
                event = null;
                data = false;
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data = true;
            }
        }
    }

    private void checkSilence() {
        Stream<String> s = openStream;
        if (s != null && System.nanoTime() - lastLineNanos > SILENT_STREAM.toNanos()) {
            log.info("the change stream of the sidecar at {} was silent for {} s; reconnecting", base,
                    SILENT_STREAM.toSeconds());
            s.close();
        }
    }

    @Override
    public String describe() {
        return "sidecar " + base;
    }

    @Override
    public void close() {
        closed = true;
        if (poll != null) {
            poll.cancel(false);
        }
        Stream<String> s = openStream;
        if (s != null) {
            s.close();
        }
        if (streamThread != null) {
            streamThread.interrupt();
        }
    }
}
