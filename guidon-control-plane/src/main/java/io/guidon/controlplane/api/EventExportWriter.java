package io.guidon.controlplane.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.guidon.controlplane.domain.ExportedEvent;
import io.guidon.controlplane.domain.ExportedEvent.Kind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The body of an export (docs/events-export.md "Export API"): NDJSON (one JSON object per line, the field names of the
 * Kafka messages) or CSV ({@link Csv}: RFC 4180 with a header line, CSV-injection safe), optionally gzip-compressed
 * by us (when asked with {@code compression=gzip}; a client that only sends {@code Accept-Encoding: gzip} has the
 * HTTP server compress instead). Written a chunk at a time as the rows come, each write awaited before the next
 * fetch, so that a slow client slows the reading and memory stays at one chunk.
 */
final class EventExportWriter {

    /** The formats, by their {@code format} parameter. */
    enum Format {
        NDJSON("application/x-ndjson", "ndjson"), CSV("text/csv; charset=utf-8", "csv");

        final String contentType;
        final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final Kind kind;
    private final String environment;
    private final Format format;
    private final OutputStream out;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    private final GZIPOutputStream gzip;

    EventExportWriter(Kind kind, String environment, Format format, boolean gzip) {
        this.kind = kind;
        this.environment = environment;
        this.format = format;
        try {
            // Sync-flushed after each chunk, so that each chunk's bytes leave at once.
            this.gzip = gzip ? new GZIPOutputStream(bytes, 1 << 16, true) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.out = this.gzip == null ? bytes : this.gzip;
    }

    /** The CSV header line of a kind. */
    static List<String> header(Kind kind) {
        return switch (kind) {
            case EXPOSURES -> List.of("timestamp", "environment", "flag", "variant", "targeting_key", "batch_id",
                    "index");
            case CONVERSIONS -> List.of("timestamp", "environment", "targeting_key", "event", "batch_id", "index",
                    "value");
            case COUNTS -> List.of("minute", "environment", "flag", "variant", "batch_id", "index", "count");
        };
    }

    /** Writes the head (CSV's header line), awaiting the write. */
    void head(HttpServerResponse response) {
        if (format == Format.CSV) {
            StringBuilder b = new StringBuilder();
            Csv.line(b, header(kind), List.of());
            put(b.toString().getBytes(StandardCharsets.UTF_8));
        }
        flush(response, false);
    }

    /** Writes a chunk of rows, awaiting the write (the backpressure of the export). */
    void rows(HttpServerResponse response, List<ExportedEvent> chunk) {
        if (format == Format.CSV) {
            StringBuilder b = new StringBuilder(chunk.size() * 128);
            for (ExportedEvent e : chunk) {
                csv(b, e);
            }
            put(b.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            try {
                JsonGenerator g = JSON.createGenerator(out);
                // One object per line: the line feed is the separator, not Jackson's space.
                g.setRootValueSeparator(null);
                for (ExportedEvent e : chunk) {
                    json(g, e);
                    g.writeRaw('\n');
                }
                g.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        flush(response, false);
    }

    /** Ends the body (gzip's trailer), awaiting the write. */
    void end(HttpServerResponse response) {
        flush(response, true);
    }

    private void csv(StringBuilder b, ExportedEvent e) {
        String time = e.time().toString();
        String batch = e.batchId().toString();
        switch (kind) {
            case EXPOSURES -> Csv.line(b, List.of(time, environment, e.flag(), e.variant(), e.targetingKey(), batch),
                    List.of((double) e.index()));
            case CONVERSIONS -> Csv.line(b, List.of(time, environment, e.targetingKey(), e.event(), batch),
                    java.util.Arrays.asList((double) e.index(), e.value()));
            case COUNTS -> Csv.line(b, List.of(time, environment, e.flag(), e.variant(), batch),
                    List.of((double) e.index(), (double) e.count()));
        }
    }

    private void json(JsonGenerator g, ExportedEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField(kind == Kind.COUNTS ? "minute" : "timestamp", e.time().toString());
        g.writeStringField("environment", environment);
        switch (kind) {
            case EXPOSURES -> {
                g.writeStringField("flag", e.flag());
                g.writeStringField("variant", e.variant());
                g.writeStringField("targetingKey", e.targetingKey());
            }
            case CONVERSIONS -> {
                g.writeStringField("targetingKey", e.targetingKey());
                g.writeStringField("event", e.event());
                if (e.value() == null) {
                    g.writeNullField("value");
                } else {
                    g.writeNumberField("value", e.value());
                }
            }
            case COUNTS -> {
                g.writeStringField("flag", e.flag());
                g.writeStringField("variant", e.variant());
                g.writeNumberField("count", e.count());
            }
        }
        g.writeStringField("batchId", e.batchId().toString());
        g.writeNumberField("index", e.index());
        g.writeEndObject();
    }

    private void put(byte[] b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flush(HttpServerResponse response, boolean last) {
        try {
            if (gzip != null) {
                if (last) {
                    gzip.finish();
                } else {
                    gzip.flush();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.size() > 0) {
            Buffer chunk = Buffer.buffer(bytes.toByteArray());
            bytes.reset();
            Future.await(response.write(chunk));
        }
    }
}
