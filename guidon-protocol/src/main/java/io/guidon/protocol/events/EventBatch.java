package io.guidon.protocol.events;

import io.guidon.protocol.EventRules;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One batch of events a sidecar sends to the control plane ({@code POST /api/v1/events}, JSON, usually
 * gzip-compressed): its unique {@code batchId} (the control plane stores a batch id once, so a retry counts once;
 * also sent as the {@code Idempotency-Key} header), the {@code sidecarId} of the sending process, when it was made
 * ({@code createdAt}), and three lists: evaluation counts per flag, variant and minute, exposures, and conversions.
 * On the wire:
 * <pre>{@code
 * {"batchId":"<uuid>","sidecarId":"<uuid>","createdAt":"<ISO-8601 instant>",
 *  "counts":[{"flag","variant","minute","count"}...],
 *  "exposures":[{"flag","variant","targetingKey","timestamp"}...],
 *  "conversions":[{"targetingKey","event","value"?,"timestamp"}...]}
 * }</pre>
 * Every member is required (a list may be empty) except a conversion's {@code value}; no other member is allowed.
 * Limits and rules of each event are those of {@link EventRules}; {@link EventBatchEncoder} writes this form,
 * {@link EventBatchDecoder} reads and checks it. Immutable.
 */
public record EventBatch(UUID batchId, UUID sidecarId, Instant createdAt, List<Count> counts,
        List<Exposure> exposures, List<Conversion> conversions) {

    public EventBatch {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(sidecarId, "sidecarId");
        Objects.requireNonNull(createdAt, "createdAt");
        counts = List.copyOf(counts);
        exposures = List.copyOf(exposures);
        conversions = List.copyOf(conversions);
    }

    /** {@code count} evaluations of {@code flag} serving {@code variant} in the minute starting at {@code minute}. */
    public record Count(String flag, String variant, Instant minute, long count) {
        public Count {
            Objects.requireNonNull(flag, "flag");
            Objects.requireNonNull(variant, "variant");
            Objects.requireNonNull(minute, "minute");
        }

        /**
         * The first rule of {@link EventRules} this count breaks (flag key, variant name, count, start of a minute),
         * or null: what the receiver would refuse whatever its clock. Its time window is the receiver's to judge.
         */
        public EventRules.Problem problem() {
            return first(EventRules.flagKey(flag), EventRules.variantName(variant), EventRules.count(count),
                    EventRules.minute(minute));
        }
    }

    /** {@code flag} served {@code variant} to {@code targetingKey} at {@code timestamp}. */
    public record Exposure(String flag, String variant, String targetingKey, Instant timestamp) {
        public Exposure {
            Objects.requireNonNull(flag, "flag");
            Objects.requireNonNull(variant, "variant");
            Objects.requireNonNull(targetingKey, "targetingKey");
            Objects.requireNonNull(timestamp, "timestamp");
        }

        /** The first rule this exposure's content breaks (flag key, variant name, targeting key), or null. */
        public EventRules.Problem problem() {
            return first(EventRules.flagKey(flag), EventRules.variantName(variant),
                    EventRules.targetingKey(targetingKey), null);
        }
    }

    /**
     * {@code targetingKey} did {@code event} at {@code timestamp}, with an optional {@code value} (null when none;
     * a finite double, {@code -0.0} kept).
     */
    public record Conversion(String targetingKey, String event, Double value, Instant timestamp) {
        public Conversion {
            Objects.requireNonNull(targetingKey, "targetingKey");
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(timestamp, "timestamp");
        }

        /** The first rule this conversion's content breaks (targeting key, event name, value), or null. */
        public EventRules.Problem problem() {
            return first(EventRules.targetingKey(targetingKey), EventRules.eventName(event),
                    value == null ? null : EventRules.value(value), null);
        }
    }

    /** Counts + exposures + conversions. */
    public int events() {
        return counts.size() + exposures.size() + conversions.size();
    }

    private static EventRules.Problem first(EventRules.Problem a, EventRules.Problem b, EventRules.Problem c,
            EventRules.Problem d) {
        return a != null ? a : b != null ? b : c != null ? c : d;
    }
}
