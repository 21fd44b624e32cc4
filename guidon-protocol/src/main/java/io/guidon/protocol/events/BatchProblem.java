package io.guidon.protocol.events;

import io.guidon.json.Pointer;

/**
 * One problem {@link EventBatchDecoder} found: where ({@link #where}, in the batch's JSON; {@link #BODY} for the body
 * as a whole, {@link #IDEMPOTENCY_KEY} for that header) and what, in plain words. An event left out of a batch for
 * two problems has two of these, each with its own place.
 */
public record BatchProblem(Pointer where, String message) {

    /** The body as a whole (not JSON, not gzip, too large, cut short); its text is {@code body}. */
    public static final Pointer BODY = Pointer.of("body");
    /** The {@code Idempotency-Key} header, which must be the batch id when sent. */
    public static final Pointer IDEMPOTENCY_KEY = Pointer.of("Idempotency-Key");

    /** Where, as answers and messages write it: {@code exposures[3].targetingKey}. */
    public String path() {
        return where.text();
    }
}
