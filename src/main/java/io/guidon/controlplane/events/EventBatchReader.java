package io.guidon.controlplane.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.guidon.common.events.EventRules;
import io.guidon.controlplane.api.ApiException;
import io.guidon.controlplane.api.FieldError;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * Reads one event batch from the bytes of a request: inflates it when gzip-compressed (stopping at
 * {@code maxDecompressedBytes}, so that a small body that inflates to gigabytes costs no more than the limit),
 * parses it as a stream (no tree of the whole batch is built), and checks every field of every event against
 * {@link EventRules}, the rules the sidecar applies too.
 *
 * <p>One bad event never costs the good ones: an event that breaks a rule (a 300-character targeting key, a time
 * older than {@code events.max-event-age}, a value of {@code 1e400}, an unknown field, ...) is left out and listed
 * in {@link Read#rejected()} with its path ({@code exposures[3].targetingKey}) and reason, and the rest of the batch
 * is read. Only a batch whose envelope is unusable is refused whole, with one 400 problem that lists each problem
 * with its path, up to {@value #MAX_LISTED_ERRORS} of them: not JSON or not gzip, over
 * {@code max-decompressed-size}, more than {@code maxEvents} events (parsing stops at the first one over), a
 * missing or malformed {@code batchId}, {@code sidecarId} or {@code createdAt}, a missing event array, an unknown
 * top-level field, or an {@code Idempotency-Key} that is not the batch id. CPU-bound: call it on a worker thread,
 * never on an event loop.
 */
public final class EventBatchReader {

    /** Limits of one batch. */
    public record Limits(long maxDecompressedBytes, int maxEvents) {
    }

    /**
     * What was read: the batch of every valid event, and the events left out. {@code rejected} lists at most
     * {@value #MAX_LISTED_ERRORS} of them (one entry per event: the path of its first problem and every reason);
     * the counts by kind cover them all.
     */
    public record Read(EventBatch batch, List<FieldError> rejected, int rejectedCounts, int rejectedExposures,
            int rejectedConversions) {
        /** Events left out, of every kind. */
        public int rejectedEvents() {
            return rejectedCounts + rejectedExposures + rejectedConversions;
        }
    }

    static final int MAX_LISTED_ERRORS = 1000;
    private static final String TOP_FIELDS = "batchId, conversions, counts, createdAt, exposures, sidecarId";

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(64)
                    .maxStringLength(1_000_000).maxNameLength(10_000).build())
            .build();

    private final Limits limits;

    public EventBatchReader(Limits limits) {
        this.limits = limits;
    }

    /**
     * The valid events of the batch in {@code body} and the ones left out, or an {@link ApiException} (400) naming
     * every problem when the envelope is unusable.
     *
     * @param idempotencyKey the request's {@code Idempotency-Key}, which must equal the batch id when given
     * @param notBefore the oldest event time accepted
     * @param notAfter the newest event time accepted
     */
    public Read read(byte[] body, boolean gzip, String idempotencyKey, Instant notBefore, Instant notAfter) {
        Parse parse = new Parse(notBefore, notAfter);
        try (InputStream in = new Bounded(gzip ? new GZIPInputStream(new ByteArrayInputStream(body), 8192)
                : new ByteArrayInputStream(body), limits.maxDecompressedBytes());
                JsonParser json = JSON.createParser(in)) {
            parse.batch(json);
        } catch (TooLarge e) {
            parse.element = null;
            parse.error("body", "larger than " + limits.maxDecompressedBytes() + " bytes"
                    + (gzip ? " once decompressed" : "") + " (events.max-decompressed-size)");
        } catch (JsonProcessingException e) {
            parse.element = null;
            JsonLocation where = e.getLocation();
            String path = e instanceof StreamReadException r && r.getProcessor() != null
                    ? path(r.getProcessor().getParsingContext()) : null;
            parse.error(path == null || path.isEmpty() ? parse.at : path, "malformed JSON: " + e.getOriginalMessage()
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
        } catch (Stop e) {
            // reported where it was thrown
        } catch (IOException e) {
            parse.element = null;
            // Only the inflater reads anything but memory.
            parse.error("body", "not valid gzip data (Content-Encoding: gzip): " + e.getMessage());
        }
        if (idempotencyKey != null && parse.batchId != null && !idempotencyKey.trim().equalsIgnoreCase(
                parse.batchId.toString())) {
            parse.error("Idempotency-Key", "must be the batch id '" + parse.batchId + "' (or left out), not '"
                    + abbreviate(idempotencyKey) + "'");
        }
        if (parse.total > 0) {
            String detail = parse.total == 1 ? parse.errors.get(0).path() + ": " + parse.errors.get(0).message()
                    : parse.total + " problems" + (parse.total > parse.errors.size()
                            ? "; the first " + parse.errors.size() + " are listed" : "; see errors");
            throw new ApiException(400, "invalid-event-batch", "Invalid event batch", detail + "; nothing was stored",
                    parse.errors, Map.of());
        }
        return new Read(EventBatch.of(parse.batchId, parse.sidecarId, parse.createdAt, parse.counts,
                parse.exposures, parse.conversions), parse.rejected, parse.rejectedByKind[0], parse.rejectedByKind[1],
                parse.rejectedByKind[2]);
    }

    /** One batch being read: what was read so far and every problem found. */
    private final class Parse {
        final Instant notBefore;
        final Instant notAfter;
        final List<FieldError> errors = new ArrayList<>();
        int total;
        int events;
        /** Where the parser is, for a syntax error. */
        String at = "body";
        UUID batchId;
        UUID sidecarId;
        Instant createdAt;
        final List<EventBatch.Count> counts = new ArrayList<>();
        final List<EventBatch.Exposure> exposures = new ArrayList<>();
        final List<EventBatch.Conversion> conversions = new ArrayList<>();
        /** Events left out, listed up to the limit, and counted by kind (counts, exposures, conversions). */
        final List<FieldError> rejected = new ArrayList<>();
        final int[] rejectedByKind = new int[3];
        /** The event being read, while one is: its problems leave it out rather than refuse the batch. */
        String element;
        String elementPath;
        StringBuilder elementReason;

        Parse(Instant notBefore, Instant notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
        }

        void error(String path, String message) {
            if (element != null) {
                if (elementPath == null) {
                    elementPath = path;
                    elementReason = new StringBuilder(message);
                } else {
                    elementReason.append("; ").append(path).append(": ").append(message);
                }
                return;
            }
            total++;
            if (errors.size() < MAX_LISTED_ERRORS) {
                errors.add(new FieldError(path, message));
            }
        }

        void batch(JsonParser p) throws IOException {
            JsonToken t = p.nextToken();
            if (t == null) {
                error("body", "empty; send a JSON object");
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                error("body", "must be a JSON object, not " + kind(t));
                return;
            }
            boolean hasBatchId = false;
            boolean hasSidecarId = false;
            boolean hasCreatedAt = false;
            boolean hasCounts = false;
            boolean hasExposures = false;
            boolean hasConversions = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                at = name;
                p.nextToken();
                switch (name) {
                    case "batchId" -> {
                        hasBatchId = true;
                        batchId = uuid(p, name);
                    }
                    case "sidecarId" -> {
                        hasSidecarId = true;
                        sidecarId = uuid(p, name);
                    }
                    case "createdAt" -> {
                        hasCreatedAt = true;
                        createdAt = instant(p, name, false);
                    }
                    case "counts" -> {
                        hasCounts = true;
                        array(p, name, 0, this::count);
                    }
                    case "exposures" -> {
                        hasExposures = true;
                        array(p, name, 1, this::exposure);
                    }
                    case "conversions" -> {
                        hasConversions = true;
                        array(p, name, 2, this::conversion);
                    }
                    default -> {
                        error(abbreviate(name), "unknown field (allowed: " + TOP_FIELDS + ")");
                        p.skipChildren();
                    }
                }
            }
            at = "body";
            if (p.nextToken() != null) {
                error("body", "more after the JSON object; send one object");
            }
            required(hasBatchId, "batchId", "a UUID");
            required(hasSidecarId, "sidecarId", "a UUID");
            required(hasCreatedAt, "createdAt", "an ISO-8601 instant");
            required(hasCounts, "counts", "an array (may be empty)");
            required(hasExposures, "exposures", "an array (may be empty)");
            required(hasConversions, "conversions", "an array (may be empty)");
        }

        private void required(boolean present, String path, String what) {
            if (!present) {
                error(path, "required: " + what);
            }
        }

        private interface Element {
            /** Reads one event; when it broke no rule (none was reported), keeps it. */
            void read(JsonParser p, String path) throws IOException;
        }

        /** Whether the event being read broke no rule so far. */
        boolean fine() {
            return elementPath == null;
        }

        private void array(JsonParser p, String name, int kind, Element element) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                error(name, "must be an array of objects, not " + kind(p.currentToken()));
                p.skipChildren();
                return;
            }
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String path = name + "[" + i + "]";
                if (++events > limits.maxEvents()) {
                    error(path, "more than " + limits.maxEvents() + " events in one batch (events.max-batch-events);"
                            + " send smaller batches");
                    throw new Stop();
                }
                at = path;
                this.element = path;
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    error(path, "must be an object, not " + kind(p.currentToken()));
                    p.skipChildren();
                } else {
                    element.read(p, path);
                }
                if (elementPath != null) {
                    rejectedByKind[kind]++;
                    if (rejected.size() < MAX_LISTED_ERRORS) {
                        rejected.add(new FieldError(elementPath, elementReason.toString()));
                    }
                }
                this.element = null;
                elementPath = null;
                elementReason = null;
                i++;
            }
        }

        private void count(JsonParser p, String path) throws IOException {
            String flag = null;
            String variant = null;
            Instant minute = null;
            long count = 0;
            boolean[] has = new boolean[4];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String fp = path + "." + name;
                at = fp;
                p.nextToken();
                switch (name) {
                    case "flag" -> {
                        has[0] = true;
                        flag = flagKey(p, fp);
                    }
                    case "variant" -> {
                        has[1] = true;
                        variant = variantName(p, fp);
                    }
                    case "minute" -> {
                        has[2] = true;
                        minute = instant(p, fp, true);
                        if (minute != null && EventRules.minute(minute) != null) {
                            error(fp, EventRules.minute(minute).message() + ", not '" + minute + "'");
                        }
                    }
                    case "count" -> {
                        has[3] = true;
                        count = positiveCount(p, fp);
                    }
                    default -> unknown(p, path, name, "count, flag, minute, variant");
                }
            }
            missing(path, has, "flag", "variant", "minute", "count");
            if (fine()) {
                counts.add(new EventBatch.Count(flag, variant, minute, count));
            }
        }

        private void exposure(JsonParser p, String path) throws IOException {
            String flag = null;
            String variant = null;
            String targetingKey = null;
            Instant timestamp = null;
            boolean[] has = new boolean[4];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String fp = path + "." + name;
                at = fp;
                p.nextToken();
                switch (name) {
                    case "flag" -> {
                        has[0] = true;
                        flag = flagKey(p, fp);
                    }
                    case "variant" -> {
                        has[1] = true;
                        variant = variantName(p, fp);
                    }
                    case "targetingKey" -> {
                        has[2] = true;
                        targetingKey = targetingKey(p, fp);
                    }
                    case "timestamp" -> {
                        has[3] = true;
                        timestamp = instant(p, fp, true);
                    }
                    default -> unknown(p, path, name, "flag, targetingKey, timestamp, variant");
                }
            }
            missing(path, has, "flag", "variant", "targetingKey", "timestamp");
            if (fine()) {
                exposures.add(new EventBatch.Exposure(flag, variant, targetingKey, timestamp));
            }
        }

        private void conversion(JsonParser p, String path) throws IOException {
            String targetingKey = null;
            String event = null;
            Double value = null;
            Instant timestamp = null;
            boolean[] has = new boolean[3];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String fp = path + "." + name;
                at = fp;
                p.nextToken();
                switch (name) {
                    case "targetingKey" -> {
                        has[0] = true;
                        targetingKey = targetingKey(p, fp);
                    }
                    case "event" -> {
                        has[1] = true;
                        String s = string(p, fp, "an event name");
                        EventRules.Problem problem = s == null ? null : EventRules.eventName(s);
                        if (problem != null) {
                            error(fp, problem.message() + ", not '" + abbreviate(s) + "'");
                        } else {
                            event = s;
                        }
                    }
                    case "value" -> value = number(p, fp);
                    case "timestamp" -> {
                        has[2] = true;
                        timestamp = instant(p, fp, true);
                    }
                    default -> unknown(p, path, name, "event, targetingKey, timestamp, value");
                }
            }
            missing(path, has, "targetingKey", "event", "timestamp");
            if (fine()) {
                conversions.add(new EventBatch.Conversion(targetingKey, event, value, timestamp));
            }
        }

        private void unknown(JsonParser p, String path, String name, String allowed) throws IOException {
            error(path + "." + abbreviate(name), "unknown field (allowed: " + allowed + ")");
            p.skipChildren();
        }

        private void missing(String path, boolean[] has, String... names) {
            for (int i = 0; i < names.length; i++) {
                if (!has[i]) {
                    error(path + "." + names[i], "required");
                }
            }
        }

        private String string(JsonParser p, String path, String what) throws IOException {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_STRING) {
                error(path, "must be " + what + " (a string), not " + kind(t));
                p.skipChildren();
                return null;
            }
            return p.getText();
        }

        private String flagKey(JsonParser p, String path) throws IOException {
            String s = string(p, path, "a flag key");
            EventRules.Problem problem = s == null ? null : EventRules.flagKey(s);
            if (problem != null) {
                error(path, problem.message() + ", not '" + abbreviate(s) + "'");
                return null;
            }
            return s;
        }

        private String variantName(JsonParser p, String path) throws IOException {
            String s = string(p, path, "a variant name");
            EventRules.Problem problem = s == null ? null : EventRules.variantName(s);
            if (problem != null) {
                error(path, problem.message() + ", not '" + abbreviate(s) + "'");
                return null;
            }
            return s;
        }

        private String targetingKey(JsonParser p, String path) throws IOException {
            String s = string(p, path, "a targeting key");
            if (s == null) {
                return null;
            }
            EventRules.Problem problem = EventRules.targetingKey(s);
            if (problem != null) {
                error(path, "a targeting key " + problem.describe(s));
                return null;
            }
            return s;
        }

        private UUID uuid(JsonParser p, String path) throws IOException {
            String s = string(p, path, "a UUID");
            if (s == null) {
                return null;
            }
            if (s.length() == 36) {
                try {
                    return UUID.fromString(s);
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            error(path, "must be a UUID such as 0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b40, not '" + abbreviate(s) + "'");
            return null;
        }

        private Instant instant(JsonParser p, String path, boolean inWindow) throws IOException {
            String s = string(p, path, "an ISO-8601 instant");
            if (s == null) {
                return null;
            }
            Instant i;
            try {
                i = Instant.parse(s);
            } catch (DateTimeParseException e) {
                error(path, "must be an ISO-8601 instant such as 2026-11-26T10:15:00Z, not '" + abbreviate(s) + "'");
                return null;
            }
            EventRules.Problem problem = inWindow ? EventRules.time(i, notBefore, notAfter) : null;
            if (problem == EventRules.Problem.TOO_OLD) {
                error(path, "'" + s + "' is older than events.max-event-age allows (the oldest accepted now is "
                        + notBefore + ")");
                return null;
            }
            if (problem == EventRules.Problem.IN_FUTURE) {
                error(path, "'" + s + "' is in the future by more than events.max-clock-skew (the latest accepted"
                        + " now is " + notAfter + "); is the sidecar's clock right?");
                return null;
            }
            return i;
        }

        private long positiveCount(JsonParser p, String path) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                JsonParser.NumberType type = p.getNumberType();
                if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                    long n = p.getLongValue();
                    if (EventRules.count(n) == null) {
                        return n;
                    }
                }
                error(path, EventRules.Problem.COUNT_OUT_OF_RANGE.message() + ", not " + abbreviate(p.getText()));
                return 0;
            }
            error(path, EventRules.Problem.COUNT_OUT_OF_RANGE.message() + ", not "
                    + (t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : kind(t)));
            p.skipChildren();
            return 0;
        }

        private Double number(JsonParser p, String path) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                String literal = p.getText();
                double d = p.getDoubleValue();
                EventRules.Problem problem = EventRules.value(literal, d);
                if (problem == null) {
                    return d;
                }
                error(path, problem.message() + ", not " + abbreviate(literal));
                return null;
            }
            error(path, "must be a number, not " + kind(t));
            p.skipChildren();
            return null;
        }
    }

    /** Where a parser is, as this API writes paths: {@code exposures[0].timestamp}. */
    static String path(JsonStreamContext context) {
        StringBuilder sb = new StringBuilder();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                sb.insert(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                sb.insert(0, (c.getParent() != null && c.getParent().inRoot() ? "" : ".")
                        + abbreviate(c.getCurrentName()));
            }
        }
        return sb.toString();
    }

    static String kind(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** Parsing stops: the batch has more events than allowed. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** The decompressed batch exceeds its limit. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("too large");
        }
    }

    /** Fails with {@link TooLarge} as soon as more than {@code limit} bytes have been read. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new TooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            // Never asks the inflater for more than one byte past the limit.
            int n = super.read(buf, off, (int) Math.min(len, Math.max(1, left + 1)));
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new TooLarge();
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("not supported");
        }
    }
}
