package io.guidon.sidecar.http;

import io.guidon.protocol.EventRules;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.Evaluations;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.guidon.sidecar.TrackEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Guidon's own API: everything OFREP has, plus rule ids, versions, explanations, the document and tracking. */
final class NativeApi {

    static final int MAX_KEY_LENGTH = EventRules.MAX_TARGETING_KEY_LENGTH;

    /** {@code POST /v1/evaluate}'s body. */
    static final List<String> EVALUATE_FIELDS = List.of("context", "flags", "explain");

    /** {@code POST /v1/exposures}'s body, and each of its {@code "flags"}. */
    static final List<String> EXPOSURES_FIELDS = List.of("context", "flags");
    static final List<String> REPORTED_FLAG_FIELDS = List.of("key", "variant");

    /** The most flags one {@code POST /v1/exposures} may report. */
    static final int MAX_REPORTED_FLAGS = 100;

    private final FlagStore store;
    private final Evaluations evaluations;
    private final Requests requests;

    NativeApi(FlagStore store, Evaluations evaluations, Requests requests) {
        this.store = store;
        this.evaluations = evaluations;
        this.requests = requests;
    }

    /**
     * {@code POST /v1/evaluate}: {@code {"context", "flags"?, "explain"?}}. A bulk evaluation, even of one named
     * flag: counted, no exposure (ADR 0203; the client reports reads with {@code POST /v1/exposures}).
     */
    void evaluate(RoutingContext ctx) {
        Buffer raw = ctx.body().buffer();
        evaluate(ctx.request(), raw == null ? new byte[0] : raw.getBytes());
    }

    /** {@link #evaluate(RoutingContext)} of a request the router did not see, with its whole body. */
    void evaluate(HttpServerRequest request, byte[] bytes) {
        Snapshot snapshot = Http.ready(store);
        Map<String, Object> body = requests.object(bytes);
        Requests.onlyFields(body, EVALUATE_FIELDS);
        EvaluationContext context = Requests.context(body);
        Object explainField = body.get("explain");
        if (explainField != null && !(explainField instanceof Boolean)) {
            throw SidecarException.parse("\"explain\" must be true or false, not " + Requests.describe(explainField));
        }
        boolean explain = Boolean.TRUE.equals(explainField);
        Object flagsField = body.get("flags");
        FlagSet flags = snapshot.flags();
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"version\":").append(snapshot.version()).append(",\"flags\":{");
        if (flagsField == null) {
            List<Flag> all = flags.flags();
            for (int i = 0, n = all.size(); i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                entry(sb, flags, all.get(i).key(), context, explain);
            }
        } else if (flagsField instanceof List<?> keys) {
            for (int i = 0; i < keys.size(); i++) {
                if (!(keys.get(i) instanceof String key)) {
                    throw SidecarException.parse("\"flags\" must be an array of flag keys; element " + i + " is "
                            + Requests.describe(keys.get(i)));
                }
            }
            boolean first = true;
            for (Object key : keys) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                entry(sb, flags, (String) key, context, explain);
            }
        } else {
            throw SidecarException.parse("\"flags\" must be an array of flag keys, not " + Requests.describe(flagsField));
        }
        sb.append("}}");
        Http.json(request.response(), 200, sb);
    }

    private void entry(StringBuilder sb, FlagSet flags, String key, EvaluationContext context, boolean explain) {
        JsonText.string(sb, key).append(':');
        if (explain) {
            Evaluator.Explanation e = evaluations.explainInBulk(flags, key, context);
            result(sb, e.result(), null);
            sb.setLength(sb.length() - 1);
            sb.append(",\"explanation\":").append(JsonText.value(e.trace())).append('}');
        } else {
            result(sb, evaluations.inBulk(flags, key, context), null);
        }
    }

    /** {@code {"value","variant","reason","ruleId"?}} or {@code {"errorCode","errorDetails"}}; with a version if given. */
    private static StringBuilder result(StringBuilder sb, EvaluationResult r, Long version) {
        sb.append('{');
        if (version != null) {
            sb.append("\"key\":");
            JsonText.string(sb, r.flagKey()).append(',');
        }
        if (r.isError()) {
            sb.append("\"errorCode\":\"").append(r.errorCode().name()).append("\",\"errorDetails\":");
            JsonText.string(sb, r.errorDetails());
        } else {
            sb.append("\"value\":").append(r.variant().json()).append(",\"variant\":\"").append(r.variantKey())
                    .append("\",\"reason\":\"").append(r.reason().name()).append('"');
            if (r.ruleId() != null) {
                sb.append(",\"ruleId\":\"").append(r.ruleId()).append('"');
            }
        }
        if (version != null) {
            sb.append(",\"version\":").append(version);
        }
        return sb.append('}');
    }

    /** {@code GET /v1/flags/{key}?targetingKey=...&attr=...}: a read of one flag, so an exposure (ADR 0203). */
    void one(RoutingContext ctx) {
        Snapshot snapshot = Http.ready(store);
        String key = ctx.pathParam("key");
        Http.requireDecodableKey(ctx, key);
        EvaluationContext context;
        try {
            context = Requests.fromQuery(ctx.queryParams(), null);
        } catch (SidecarException e) {
            throw new SidecarException(e.status(), e.errorCode(), e.getMessage(), key);
        }
        EvaluationResult r = evaluations.read(snapshot, key, context);
        int status = !r.isError() ? 200 : switch (r.errorCode()) {
            case FLAG_NOT_FOUND -> 404;
            case GENERAL -> 500;
            default -> 400;
        };
        Http.json(ctx, status, result(new StringBuilder(160), r, snapshot.version()));
    }

    /**
     * {@code GET /users/{userId}/flags}: the earlier API's shape, {@code {"userId", "flags": {key: value}}}. A bulk
     * evaluation: counted, no exposure (ADR 0203).
     */
    void forUser(RoutingContext ctx) {
        Snapshot snapshot = Http.ready(store);
        String userId = ctx.pathParam("userId");
        // Characters as the event rules count them (code points): an emoji is one.
        if (userId.isEmpty() || userId.codePointCount(0, userId.length()) > MAX_KEY_LENGTH) {
            throw SidecarException.invalidContext("the user id must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        EvaluationContext context = Requests.fromQuery(ctx.queryParams(), userId);
        List<Flag> all = snapshot.flags().flags();
        StringBuilder sb = new StringBuilder(64 + all.size() * 32);
        sb.append("{\"userId\":");
        JsonText.string(sb, userId).append(",\"flags\":{");
        boolean first = true;
        for (int i = 0, n = all.size(); i < n; i++) {
            EvaluationResult r = evaluations.inBulk(all.get(i), context);
            if (r.isError()) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"').append(r.flagKey()).append("\":").append(r.variant().json());
        }
        sb.append("}}");
        Http.json(ctx, 200, sb);
    }

    /** {@code GET /v1/flags}: the loaded document and its version, for debugging and client bootstrapping. */
    void document(RoutingContext ctx) {
        if (ctx.request().path().endsWith("/")) {
            // The router matches "/v1/flags/" here too: an empty flag key must not get the whole document.
            throw new SidecarException(404, "FLAG_NOT_FOUND", "the flag key is empty: GET /v1/flags/{key} evaluates "
                    + "one flag, GET /v1/flags (no slash) returns the document", "");
        }
        Snapshot snapshot = Http.ready(store);
        if (Http.notModified(ctx, snapshot.etag())) {
            return;
        }
        String doc = snapshot.flags().documentJson();
        StringBuilder sb = new StringBuilder(doc.length() + 160);
        sb.append("{\"version\":").append(snapshot.version()).append(",\"loadedAt\":\"").append(snapshot.loadedAt())
                .append("\",\"origin\":");
        JsonText.string(sb, snapshot.origin()).append(",\"document\":").append(doc).append('}');
        ctx.response().putHeader("ETag", snapshot.etag());
        Http.json(ctx, 200, sb);
    }

    /**
     * {@code POST /v1/track}: {@code {"targetingKey", "event", "value"?, "timestamp"?}} → 202. An event the control
     * plane would refuse ({@link EventRules}: a targeting key over 256 characters, a value such as {@code 1e400}, a
     * time older than {@link EventRules#SIDECAR_MAX_AGE} or more than {@link EventRules#SIDECAR_MAX_AHEAD} ahead) is
     * a 400 that says why, and is not recorded.
     */
    void track(RoutingContext ctx) {
        Map<String, Object> body = requests.object(ctx);
        for (String field : body.keySet()) {
            if (!field.equals("targetingKey") && !field.equals("event") && !field.equals("value")
                    && !field.equals("timestamp")) {
                throw SidecarException.parse("unknown field \"" + field + "\" (allowed: targetingKey, event, value, "
                        + "timestamp)");
            }
        }
        Object key = body.get("targetingKey");
        if (!(key instanceof String k)) {
            throw SidecarException.invalidContext("\"targetingKey\" is required: a string of 1 to "
                    + EventRules.MAX_TARGETING_KEY_LENGTH + " characters");
        }
        EventRules.Problem keyProblem = EventRules.targetingKey(k);
        if (keyProblem != null) {
            throw SidecarException.invalidContext("\"targetingKey\" is required: a string of 1 to "
                    + EventRules.MAX_TARGETING_KEY_LENGTH + " characters; this one " + keyProblem.describe(k));
        }
        Object event = body.get("event");
        if (!(event instanceof String name) || EventRules.eventName(name) != null) {
            throw SidecarException.parse("\"event\" is required: a name of 1 to 128 letters, digits and . _ : / - "
                    + "(such as \"checkout-completed\")");
        }
        Object value = body.get("value");
        if (value != null && !(value instanceof Number)) {
            throw SidecarException.parse("\"value\" must be a number, not " + Requests.describe(value));
        }
        Double amount = value == null ? null : ((Number) value).doubleValue();
        if (amount != null && EventRules.value(amount) != null) {
            throw SidecarException.parse("\"value\" " + EventRules.value(amount).message() + ", not " + value);
        }
        long now = System.currentTimeMillis();
        long timestamp = timestamp(body.get("timestamp"), now);
        EventRules.Problem time = EventRules.sidecarTime(timestamp, now);
        if (time != null) {
            throw SidecarException.parse("\"timestamp\" " + Instant.ofEpochMilli(timestamp) + " is "
                    + (time == EventRules.Problem.TOO_OLD ? "older than " + EventRules.SIDECAR_MAX_AGE.toDays()
                            + " days: the control plane would refuse it (events.max-event-age)"
                            : "more than " + EventRules.SIDECAR_MAX_AHEAD.toMinutes() + " minutes ahead of this"
                                    + " sidecar's clock; is the sender's clock right?"));
        }
        evaluations.track(new TrackEvent(k, name, amount, timestamp));
        Http.json(ctx, 202, "{\"status\":\"accepted\"}");
    }

    /**
     * {@code POST /v1/exposures}: {@code {"context": {..., "targetingKey"}, "flags": [{"key", "variant"}, ...]}}, at
     * most {@value #MAX_REPORTED_FLAGS} flags: the flags an application read after fetching them in bulk (a bulk
     * evaluation records no exposure, ADR 0203). Each is evaluated again for the context against the document served
     * now and recorded as an exposure of the variant it gives now; the answer, 200
     * {@code {"version", "recorded", "flags": [...]}}, says per flag, in the order reported:
     * <ul>
     *   <li>{@code {"key", "status": "RECORDED", "variant", "value"}}: the reported variant is still what the flag
     *       serves;</li>
     *   <li>{@code {"key", "status": "VARIANT_CHANGED", "variant", "value", "reportedVariant"}}: the flag serves
     *       another variant now (the client's copy is stale); the exposure recorded is of the variant now served;</li>
     *   <li>{@code {"key", "status": "NOT_RECORDED", "errorCode", "errorDetails"}}: no exposure, because the flag
     *       does not exist ({@code FLAG_NOT_FOUND}) or its evaluation failed (the engine's code).</li>
     * </ul>
     * Not counted as evaluations (the bulk fetch was). A body without {@code context.targetingKey} is 400
     * {@code TARGETING_KEY_MISSING} (an exposure needs a subject); a key the control plane would refuse is 400
     * {@code INVALID_CONTEXT}; any other malformed body is 400 {@code PARSE_ERROR} naming the field
     * ({@code flags[3].variant}); none of them records anything.
     */
    void exposures(RoutingContext ctx) {
        Snapshot snapshot = Http.ready(store);
        Map<String, Object> body = requests.object(ctx);
        Requests.onlyFields(body, EXPOSURES_FIELDS);
        EvaluationContext context = Requests.context(body);
        String subject = context.targetingKey();
        if (subject == null) {
            throw new SidecarException(400, "TARGETING_KEY_MISSING", "\"context.targetingKey\" is required: an "
                    + "exposure needs a subject (the user who read the flags), as in {\"context\": {\"targetingKey\": "
                    + "\"user-1\"}, \"flags\": [...]}");
        }
        EventRules.Problem keyProblem = EventRules.targetingKey(subject);
        if (keyProblem != null) {
            throw SidecarException.invalidContext("\"context.targetingKey\" must be a string of 1 to "
                    + EventRules.MAX_TARGETING_KEY_LENGTH + " characters; this one " + keyProblem.describe(subject));
        }
        Object flagsField = body.get("flags");
        if (!(flagsField instanceof List<?> reported)) {
            throw SidecarException.parse("\"flags\" is required: an array of the flags read, such as [{\"key\": "
                    + "\"new-checkout\", \"variant\": \"on\"}], not " + Requests.describe(flagsField));
        }
        if (reported.size() > MAX_REPORTED_FLAGS) {
            throw SidecarException.parse("\"flags\" holds " + reported.size() + " entries; at most "
                    + MAX_REPORTED_FLAGS + " per request (send several requests)");
        }
        // Every entry is checked before any is recorded: a bad report records nothing.
        String[] keys = new String[reported.size()];
        String[] variants = new String[reported.size()];
        for (int i = 0; i < keys.length; i++) {
            String at = "flags[" + i + "]";
            if (!(reported.get(i) instanceof Map<?, ?> entry)) {
                throw SidecarException.parse("\"" + at + "\" must be an object {\"key\", \"variant\"}, not "
                        + Requests.describe(reported.get(i)));
            }
            for (Object field : entry.keySet()) {
                if (!REPORTED_FLAG_FIELDS.contains(field)) {
                    throw SidecarException.parse("unknown field " + JsonText.quoted((String) field) + " in \"" + at
                            + "\" (allowed: key, variant)");
                }
            }
            keys[i] = requiredText(entry.get("key"), at + ".key", "the flag's key");
            variants[i] = requiredText(entry.get("variant"), at + ".variant", "the variant the application read");
        }
        FlagSet flags = snapshot.flags();
        StringBuilder sb = new StringBuilder(64 + keys.length * 96);
        sb.append("{\"version\":").append(snapshot.version()).append(",\"flags\":[");
        int recorded = 0;
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            EvaluationResult r = evaluations.reported(flags, keys[i], context, subject);
            sb.append("{\"key\":");
            JsonText.string(sb, keys[i]);
            if (r.isError()) {
                sb.append(",\"status\":\"NOT_RECORDED\",\"errorCode\":\"").append(r.errorCode().name())
                        .append("\",\"errorDetails\":");
                JsonText.string(sb, r.errorDetails()).append('}');
                continue;
            }
            recorded++;
            boolean same = r.variantKey().equals(variants[i]);
            sb.append(",\"status\":\"").append(same ? "RECORDED" : "VARIANT_CHANGED").append("\",\"variant\":\"")
                    .append(r.variantKey()).append("\",\"value\":").append(r.variant().json());
            if (!same) {
                sb.append(",\"reportedVariant\":");
                JsonText.string(sb, variants[i]);
            }
            sb.append('}');
        }
        sb.append("],\"recorded\":").append(recorded).append('}');
        Http.json(ctx, 200, sb);
    }

    private static String requiredText(Object value, String path, String what) {
        if (!(value instanceof String text) || text.isEmpty()) {
            throw SidecarException.parse("\"" + path + "\" is required: " + what + ", a non-empty string, not "
                    + (value instanceof String ? "an empty string" : Requests.describe(value)));
        }
        return text;
    }

    private static long timestamp(Object value, long now) {
        if (value == null) {
            return now;
        }
        if (value instanceof Long || value instanceof Integer) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                // reported below (an instant too far away for epoch milliseconds is an ArithmeticException)
            }
        }
        throw SidecarException.parse("\"timestamp\" must be an ISO-8601 instant such as 2025-06-01T12:00:00Z or "
                + "epoch milliseconds");
    }
}
