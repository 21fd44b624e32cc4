package io.guidon.protocol.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.guidon.json.JsonProblems;
import io.guidon.json.Pointer;
import io.guidon.json.ValueChecks;
import io.guidon.protocol.EventRules;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * Reads one {@link EventBatch} from the bytes of a request, as the receiver does: inflates it when gzip-compressed
 * (stopping at {@code maxDecompressedBytes}, so that a small body that inflates to gigabytes costs no more than the
 * limit), parses it as a stream (no tree of the whole batch is built), and checks every field of every event against
 * {@link EventRules}, the rules the sender applies too.
 *
 * <p>One bad event never costs the good ones: an event that breaks a rule (a 300-character targeting key, a time
 * older than {@code notBefore}, a value of {@code 1e400}, an unknown field, ...) is left out and listed in
 * {@link Result#rejected()}, each of its problems with its place ({@code exposures[3].targetingKey}), and the rest
 * of the batch
 * is read. Only a batch whose envelope is unusable is refused whole ({@link Result#refused()}), with every problem
 * and its path in {@link Result#problems()}, up to {@value #MAX_LISTED_ERRORS} of them: not JSON or not gzip, over
 * {@code maxDecompressedBytes}, more than {@code maxEvents} events (parsing stops at the first one over), a missing
 * or malformed {@code batchId}, {@code sidecarId} or {@code createdAt}, a missing event array, an unknown top-level
 * field, or an {@code Idempotency-Key} that is not the batch id. Never throws for anything a body holds.
 * CPU-bound: a server calls it on a worker thread, never on an event loop. Thread-safe (holds only its limits).
 *
 * <p>Every number is converted from its own token's text by this class (a count to a long, a value to the nearest
 * double, {@code -0} kept), never by the parser, so that what one bad event held cannot become part of the next.
 * Parser messages are put in plain words; a body cut short is a problem of the whole body, not of a field. The
 * messages name the control plane's settings that set the limits ({@code events.max-decompressed-size},
 * {@code events.max-batch-events}, {@code events.max-event-age}, {@code events.max-clock-skew}).
 */
public final class EventBatchDecoder {

    /**
     * Limits of one batch: its size once inflated, in bytes ({@code events.max-decompressed-size}), and its number
     * of events of all kinds ({@code events.max-batch-events}).
     */
    public record Limits(long maxDecompressedBytes, int maxEvents) {
    }

    /**
     * What was read. When the envelope was usable, {@code batch} holds every valid event and {@code problems} is
     * empty; else {@code batch} is null and {@code problems} lists the envelope's problems ({@code problemCount}
     * counts them all). {@code rejected} lists at most {@value #MAX_LISTED_ERRORS} problems of the events left out
     * (one entry per problem, each with its own place: an event with two problems is two entries, in the order
     * found); the counts by kind count the events, all of them.
     */
    public record Result(EventBatch batch, List<BatchProblem> problems, int problemCount, List<BatchProblem> rejected,
            int rejectedCounts, int rejectedExposures, int rejectedConversions) {

        public Result {
            problems = List.copyOf(problems);
            rejected = List.copyOf(rejected);
        }

        /** Whether the batch is refused whole (nothing of it may be stored). */
        public boolean refused() {
            return batch == null;
        }

        /** Events left out, of every kind. */
        public int rejectedEvents() {
            return rejectedCounts + rejectedExposures + rejectedConversions;
        }

        /**
         * A refusal in one sentence: the one problem ({@code "batchId: required: a UUID"}), or how many there are
         * ({@code "3 problems; see errors"}, {@code "1505 problems; the first 1000 are listed"}).
         */
        public String summary() {
            if (problems.isEmpty()) {
                return "";
            }
            return problemCount == 1 ? problems.get(0).path() + ": " + problems.get(0).message()
                    : problemCount + " problems" + (problemCount > problems.size()
                            ? "; the first " + problems.size() + " are listed" : "; see errors");
        }
    }

    /** Problems and rejected events listed at most; the rest are counted. */
    public static final int MAX_LISTED_ERRORS = 1000;
    /*
     * Limits of the tokenizer: past them the body cannot be read on, so the whole batch is refused. A number is
     * never converted by the parser (see positiveCount), so a long one costs only its length; 1,000 characters is
     * far beyond any number an event holds, so that a wrong number is a bad event rather than a bad batch.
     */
    static final int MAX_NESTING_DEPTH = 32;
    static final int MAX_NUMBER_LENGTH = 1000;
    static final int MAX_STRING_LENGTH = 1_000_000;
    static final int MAX_NAME_LENGTH = 10_000;
    private static final String TOP_FIELDS = "batchId, conversions, counts, createdAt, exposures, sidecarId";

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(MAX_STRING_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH).build())
            .build();

    private final Limits limits;

    public EventBatchDecoder(Limits limits) {
        this.limits = limits;
    }

    /**
     * The valid events of the batch in {@code body} and the ones left out, or the refusal naming every problem when
     * the envelope is unusable.
     *
     * @param gzip whether {@code body} is gzip-compressed ({@code Content-Encoding: gzip})
     * @param idempotencyKey the request's {@code Idempotency-Key}, which must equal the batch id when given; or null
     * @param notBefore the oldest event time accepted
     * @param notAfter the newest event time accepted
     */
    public Result decode(byte[] body, boolean gzip, String idempotencyKey, Instant notBefore, Instant notAfter) {
        Parse parse = new Parse(notBefore, notAfter);
        try (InputStream in = new BufferedInputStream(new Bounded(gzip ? new GZIPInputStream(
                new ByteArrayInputStream(body), 8192) : new ByteArrayInputStream(body),
                limits.maxDecompressedBytes()), 8192);
                JsonParser json = utf8(in) ? JSON.createParser(in) : null) {
            if (json == null) {
                parse.error(BatchProblem.BODY, NOT_UTF8);
            } else {
                parse.batch(json);
            }
        } catch (TooLarge e) {
            parse.element = null;
            parse.error(BatchProblem.BODY, "larger than " + limits.maxDecompressedBytes() + " bytes"
                    + (gzip ? " once decompressed" : "") + " (events.max-decompressed-size)");
        } catch (JsonEOFException e) {
            // The body is cut short: a problem of the whole batch, not of the field the parser was in.
            parse.element = null;
            parse.error(BatchProblem.BODY, "the body ends before its JSON is complete (an object, array or string is"
                    + " not closed)" + where(e.getLocation()));
        } catch (StreamConstraintsException e) {
            parse.element = null;
            // The parser gives no location with these; where it stopped reading is one.
            parse.error(parse.at, limitExceeded(e.getOriginalMessage()) + where(e.getLocation() != null
                    ? e.getLocation() : parse.parser == null ? null : parse.parser.currentLocation()));
        } catch (JsonProcessingException e) {
            parse.element = null;
            Pointer path = e instanceof StreamReadException r && r.getProcessor() != null
                    ? path(r.getProcessor().getParsingContext()) : null;
            parse.error(path == null || path.size() == 0 ? parse.at : path, "malformed JSON: "
                    + plain(e.getOriginalMessage()) + where(e.getLocation()));
        } catch (Stop e) {
            // reported where it was thrown
        } catch (CharConversionException e) {
            // The parser's own UTF-16/32 decoding, should a body get past utf8(in).
            parse.element = null;
            parse.error(BatchProblem.BODY, NOT_UTF8);
        } catch (IOException e) {
            parse.element = null;
            // Only the inflater reads anything but memory.
            parse.error(BatchProblem.BODY, "not valid gzip data (Content-Encoding: gzip): " + e.getMessage());
        }
        if (idempotencyKey != null && parse.batchId != null && !idempotencyKey.trim().equalsIgnoreCase(
                parse.batchId.toString())) {
            parse.error(BatchProblem.IDEMPOTENCY_KEY, "must be the batch id '" + parse.batchId + "' (or left out),"
                    + " not '" + abbreviate(idempotencyKey) + "'");
        }
        int[] byKind = parse.rejectedByKind;
        if (parse.total > 0) {
            return new Result(null, parse.errors, parse.total, parse.rejected, byKind[0], byKind[1], byKind[2]);
        }
        return new Result(new EventBatch(parse.batchId, parse.sidecarId, parse.createdAt, parse.counts,
                parse.exposures, parse.conversions), List.of(), 0, parse.rejected, byKind[0], byKind[1], byKind[2]);
    }

    /** One batch being read: what was read so far and every problem found. */
    private final class Parse {
        final Instant notBefore;
        final Instant notAfter;
        final List<BatchProblem> errors = new ArrayList<>();
        int total;
        int events;
        /** The parser, for where it stopped when a limit is exceeded. */
        JsonParser parser;
        /** Where the parser is, for a syntax error. */
        Pointer at = BatchProblem.BODY;
        UUID batchId;
        UUID sidecarId;
        Instant createdAt;
        final List<EventBatch.Count> counts = new ArrayList<>();
        final List<EventBatch.Exposure> exposures = new ArrayList<>();
        final List<EventBatch.Conversion> conversions = new ArrayList<>();
        /** Events left out, listed up to the limit, and counted by kind (counts, exposures, conversions). */
        final List<BatchProblem> rejected = new ArrayList<>();
        final int[] rejectedByKind = new int[3];
        /** The event being read, while one is: its problems leave it out rather than refuse the batch. */
        Pointer element;
        /** The problems of the event being read, each with its own place: each is one item of the answer. */
        final List<BatchProblem> elementProblems = new ArrayList<>();

        Parse(Instant notBefore, Instant notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
        }

        void error(Pointer path, String message) {
            if (element != null) {
                elementProblems.add(new BatchProblem(path, message));
                return;
            }
            total++;
            if (errors.size() < MAX_LISTED_ERRORS) {
                errors.add(new BatchProblem(path, message));
            }
        }

        void batch(JsonParser p) throws IOException {
            parser = p;
            JsonToken t = p.nextToken();
            if (t == null) {
                error(BatchProblem.BODY, "empty; send a JSON object");
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                error(BatchProblem.BODY, "must be a JSON object, not " + kind(t));
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
                at = Pointer.of(name);
                p.nextToken();
                switch (name) {
                    case "batchId" -> {
                        hasBatchId = true;
                        batchId = uuid(p, at);
                    }
                    case "sidecarId" -> {
                        hasSidecarId = true;
                        sidecarId = uuid(p, at);
                    }
                    case "createdAt" -> {
                        hasCreatedAt = true;
                        createdAt = instant(p, at, false);
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
                        error(Pointer.of(abbreviate(name)), "unknown field (allowed: " + TOP_FIELDS + ")");
                        p.skipChildren();
                    }
                }
            }
            at = BatchProblem.BODY;
            if (p.nextToken() != null) {
                error(BatchProblem.BODY, "more after the JSON object; send one object");
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
                error(Pointer.of(path), "required: " + what);
            }
        }

        private interface Element {
            /** Reads one event; when it broke no rule (none was reported), keeps it. */
            void read(JsonParser p, Pointer path) throws IOException;
        }

        /** Whether the event being read broke no rule so far. */
        boolean fine() {
            return elementProblems.isEmpty();
        }

        private void array(JsonParser p, String name, int kind, Element element) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                error(Pointer.of(name), "must be an array of objects, not " + kind(p.currentToken()));
                p.skipChildren();
                return;
            }
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                Pointer path = Pointer.of(name).index(i);
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
                if (!elementProblems.isEmpty()) {
                    rejectedByKind[kind]++;
                    for (BatchProblem problem : elementProblems) {
                        if (rejected.size() < MAX_LISTED_ERRORS) {
                            rejected.add(problem);
                        }
                    }
                }
                this.element = null;
                elementProblems.clear();
                i++;
            }
        }

        private void count(JsonParser p, Pointer path) throws IOException {
            String flag = null;
            String variant = null;
            Instant minute = null;
            long count = 0;
            boolean[] has = new boolean[4];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Pointer fp = path.field(name);
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

        private void exposure(JsonParser p, Pointer path) throws IOException {
            String flag = null;
            String variant = null;
            String targetingKey = null;
            Instant timestamp = null;
            boolean[] has = new boolean[4];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Pointer fp = path.field(name);
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

        private void conversion(JsonParser p, Pointer path) throws IOException {
            String targetingKey = null;
            String event = null;
            Double value = null;
            Instant timestamp = null;
            boolean[] has = new boolean[3];
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Pointer fp = path.field(name);
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

        private void unknown(JsonParser p, Pointer path, String name, String allowed) throws IOException {
            error(path.field(abbreviate(name)), "unknown field (allowed: " + allowed + ")");
            p.skipChildren();
        }

        private void missing(Pointer path, boolean[] has, String... names) {
            for (int i = 0; i < names.length; i++) {
                if (!has[i]) {
                    error(path.field(names[i]), "required");
                }
            }
        }

        private String string(JsonParser p, Pointer path, String what) throws IOException {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_STRING) {
                error(path, "must be " + what + " (a string), not " + kind(t));
                p.skipChildren();
                return null;
            }
            return p.getText();
        }

        private String flagKey(JsonParser p, Pointer path) throws IOException {
            String s = string(p, path, "a flag key");
            EventRules.Problem problem = s == null ? null : EventRules.flagKey(s);
            if (problem != null) {
                error(path, problem.message() + ", not '" + abbreviate(s) + "'");
                return null;
            }
            return s;
        }

        private String variantName(JsonParser p, Pointer path) throws IOException {
            String s = string(p, path, "a variant name");
            EventRules.Problem problem = s == null ? null : EventRules.variantName(s);
            if (problem != null) {
                error(path, problem.message() + ", not '" + abbreviate(s) + "'");
                return null;
            }
            return s;
        }

        private String targetingKey(JsonParser p, Pointer path) throws IOException {
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

        private UUID uuid(JsonParser p, Pointer path) throws IOException {
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

        private Instant instant(JsonParser p, Pointer path, boolean inWindow) throws IOException {
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
            String unstorable = ValueChecks.instantProblem(i);
            if (unstorable != null) {
                // Only createdAt can get here: the window of event times lies well inside these years.
                error(path, unstorable);
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

        /*
         * Numbers. Every number is read from the text of the current token alone and converted here: Jackson
         * caches the value it last converted (getNumberType() of a big integer leaves its value in the cache, and a
         * later getDoubleValue() of another token could return it), so a bad number of one event must never be
         * converted by the parser, lest it reach the next one.
         */

        private long positiveCount(JsonParser p, Pointer path) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                String literal = p.getText();
                long n = wholeNumber(literal);
                if (EventRules.count(n) == null) {
                    return n;
                }
                error(path, EventRules.Problem.COUNT_OUT_OF_RANGE.message() + ", not " + abbreviate(literal));
                return 0;
            }
            error(path, EventRules.Problem.COUNT_OUT_OF_RANGE.message() + ", not "
                    + (t == JsonToken.VALUE_NUMBER_FLOAT ? abbreviate(p.getText()) : kind(t)));
            p.skipChildren();
            return 0;
        }

        private Double number(JsonParser p, Pointer path) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                String literal = p.getText();
                double d = decimal(literal);
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

    /**
     * The JSON integer {@code literal} as a long, or -1 when it has no long value (more than 19 digits, or beyond
     * the range): every count rule refuses -1.
     */
    static long wholeNumber(String literal) {
        if (literal.length() > 20) {
            return -1;
        }
        try {
            return Long.parseLong(literal);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The JSON number {@code literal} rounded to the nearest double (correctly rounded, as the parser would); a
     * JSON number is always a Java floating-point literal, so NaN stands only for text no JSON parser passes on.
     */
    static double decimal(String literal) {
        try {
            return Double.parseDouble(literal);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Where a parser is, as this API writes paths: {@code exposures[0].timestamp}. */
    static Pointer path(JsonStreamContext context) {
        List<JsonStreamContext> chain = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.add(0, c);
        }
        Pointer p = Pointer.ROOT;
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                p = p.index(Math.max(0, c.getCurrentIndex()));
            } else if (c.getCurrentName() != null) {
                p = p.field(abbreviate(c.getCurrentName()));
            }
        }
        return p;
    }

    /** A syntax error in plain words: {@link JsonProblems#syntax}, without the parser's names for JSON's parts. */
    static String plain(String parserMessage) {
        return JsonProblems.syntax(parserMessage == null ? "" : parserMessage)
                .replace("Object entries", "the fields of an object")
                .replace("Array entries", "the elements of an array")
                .replace("within/between", "in");
    }

    private static final String NOT_UTF8 = "the body is not UTF-8 text (JSON is sent as UTF-8)";

    /**
     * Whether the body may be UTF-8 JSON, judged by its first four bytes without consuming them. The parser would
     * take a byte-order mark or NULs there for UTF-16 or UTF-32 and read on; JSON between systems is UTF-8 (RFC
     * 8259), and in UTF-8 JSON neither can appear there.
     */
    private static boolean utf8(InputStream in) throws IOException {
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        if (head.length > 0 && (head[0] == (byte) 0xFE || head[0] == (byte) 0xFF)) {
            return false;
        }
        for (byte b : head) {
            if (b == 0) {
                return false;
            }
        }
        return true;
    }

    private static String where(JsonLocation where) {
        return where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }

    /** A limit of the parser's, in this API's words (the parser's own name its settings). */
    static String limitExceeded(String message) {
        String m = message == null ? "" : message;
        if (m.startsWith("Number value length") || m.startsWith("Number length")) {
            return "a number longer than " + MAX_NUMBER_LENGTH + " characters";
        }
        if (m.startsWith("Document nesting depth")) {
            return "nested more than " + MAX_NESTING_DEPTH + " levels deep";
        }
        if (m.startsWith("String value length") || m.startsWith("String length")) {
            return "a string longer than " + MAX_STRING_LENGTH + " characters";
        }
        if (m.startsWith("Name length") || m.startsWith("Name value length")) {
            return "a field name longer than " + MAX_NAME_LENGTH + " characters";
        }
        return "over a limit of this endpoint: " + JsonProblems.scrub(m);
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
