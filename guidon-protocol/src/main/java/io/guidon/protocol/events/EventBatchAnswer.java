package io.guidon.protocol.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.json.Pointer;
import io.guidon.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The control plane's answer to a stored batch ({@code 202}, or {@code 200} for a batch id it had stored before):
 * <pre>{@code
 * {"batchId":"<uuid>","accepted":true,"duplicate":false,"events":<stored>,
 *  "rejected":[{"path":"exposures[3].targetingKey","pointer":"/exposures/3/targetingKey","reason":"..."}...],
 *  "rejectedEvents":{"counts":0,"exposures":1,"conversions":0}}
 * }</pre>
 * {@code rejected} lists up to {@link EventBatchDecoder#MAX_LISTED_ERRORS} problems of the events left out as invalid,
 * one item per problem (an event with two problems is two items; the rest of the batch is stored); {@code rejectedEvents}, counting all of them by kind, is present only when some were. A
 * batch refused whole is answered with an RFC 9457 problem instead, not with this. Immutable.
 *
 * @param events the events of the batch the control plane holds (for a duplicate: those it stored the first time)
 */
public record EventBatchAnswer(UUID batchId, boolean duplicate, int events, List<Rejected> rejected,
        int rejectedCounts, int rejectedExposures, int rejectedConversions) {

    /**
     * One problem of an event left out: where, as message text ({@code exposures[3].targetingKey}) and as an
     * RFC 6901 JSON Pointer into the batch ({@code /exposures/3/targetingKey}), and why.
     */
    public record Rejected(String path, String pointer, String reason) {
        public Rejected {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(reason, "reason");
        }

        /** The problem {@code p} of a batch, as an answer lists it. */
        public static Rejected of(BatchProblem p) {
            return new Rejected(p.path(), p.where().toString(), p.message());
        }
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper READER = new ObjectMapper();

    public EventBatchAnswer {
        rejected = List.copyOf(rejected);
    }

    /** The answer to {@code batch} read by the decoder and stored: {@code result}'s rejected events. */
    public static EventBatchAnswer of(UUID batchId, boolean duplicate, int events, EventBatchDecoder.Result result) {
        List<Rejected> rejected = new ArrayList<>(result.rejected().size());
        for (BatchProblem p : result.rejected()) {
            rejected.add(Rejected.of(p));
        }
        return new EventBatchAnswer(batchId, duplicate, events, rejected, result.rejectedCounts(),
                result.rejectedExposures(), result.rejectedConversions());
    }

    /** Events left out, of every kind. */
    public int rejectedEvents() {
        return rejectedCounts + rejectedExposures + rejectedConversions;
    }

    /** The answer as compact UTF-8 JSON, in the member order above. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + rejected.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("batchId", batchId.toString());
            g.writeBooleanField("accepted", true);
            g.writeBooleanField("duplicate", duplicate);
            g.writeNumberField("events", events);
            g.writeArrayFieldStart("rejected");
            for (Rejected r : rejected) {
                g.writeStartObject();
                g.writeStringField("path", r.path());
                g.writeStringField("pointer", r.pointer());
                g.writeStringField("reason", r.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!rejected.isEmpty()) {
                g.writeObjectFieldStart("rejectedEvents");
                g.writeNumberField("counts", rejectedCounts);
                g.writeNumberField("exposures", rejectedExposures);
                g.writeNumberField("conversions", rejectedConversions);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("the answer cannot be written as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Reads an answer leniently, as a sender that only counts and logs it: a member that is missing or of another
     * type reads as absent (no batch id, no events, nothing rejected), so that an answer of an older or newer
     * control plane never costs a delivered batch.
     *
     * @throws ProtocolException if {@code json} is not a JSON object
     */
    public static EventBatchAnswer decode(byte[] json) {
        JsonNode node;
        try {
            node = READER.readTree(json);
        } catch (IOException e) {
            throw new ProtocolException("the answer is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("the answer is not a JSON object");
        }
        UUID batchId = null;
        if (node.path("batchId").isTextual()) {
            try {
                batchId = UUID.fromString(node.get("batchId").asText());
            } catch (IllegalArgumentException e) {
                // left out, as any unreadable member
            }
        }
        List<Rejected> rejected = new ArrayList<>();
        for (JsonNode r : node.path("rejected")) {
            // An older control plane sent no pointer: it is read from the path text, or left empty.
            String pointer = r.path("pointer").isTextual() ? r.get("pointer").asText()
                    : pointerOf(r.path("path").asText());
            rejected.add(new Rejected(r.path("path").asText(), pointer, r.path("reason").asText()));
        }
        JsonNode byKind = node.path("rejectedEvents");
        return new EventBatchAnswer(batchId, node.path("duplicate").asBoolean(false), node.path("events").asInt(0),
                rejected, byKind.path("counts").asInt(0), byKind.path("exposures").asInt(0),
                byKind.path("conversions").asInt(0));
    }

    /** The RFC 6901 text of a path in message form, or {@code ""} when it is not one. */
    private static String pointerOf(String path) {
        try {
            Pointer p = Pointer.fromText(path);
            return p == null ? "" : p.toString();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
