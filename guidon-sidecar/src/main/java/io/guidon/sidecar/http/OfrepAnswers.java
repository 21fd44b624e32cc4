package io.guidon.sidecar.http;

import io.guidon.engine.EvaluationResult;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.vertx.core.buffer.Buffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OFREP evaluation answers as bytes (issue 15, ADR 0204). Every result an evaluation of a flag set can return is
 * one of the set's load-time outcomes ({@link FlagSet#outcomes()}), so its OFREP object
 * ({@code {"key","value","reason","variant","metadata"}}, or {@code {"key","errorCode","errorDetails"}} for an error
 * decided at load) is encoded to UTF-8 once, the first time any request is answered with it, and kept for as long
 * as that set is served. A bulk answer is then {@code {"flags":[}, the evaluated flags' encoded objects separated by
 * commas, and {@code ]}}, copied into one buffer of the exact size: no text building, no string or encoding per
 * flag per request. Members that depend on the request ({@code eventStreams}) are added as bytes the caller
 * encoded. Results an evaluation builds (a flag not found, a failed evaluation: their details name the
 * request's values) are encoded when they are served, by {@link JsonText} as before.
 *
 * <p>The bytes are exactly those {@link #bulkText} writes, the encoding this class replaced, so the wire format
 * did not change ({@code OfrepAnswersProperties} compares both on random documents and contexts).
 *
 * <p>One instance serves every event loop: the encoded objects are shared, each is published with release/acquire
 * semantics, and two loops that encode the same outcome at once produce the same bytes. Only the set the store
 * serves now is kept: a request still answering from the set before a reload encodes as it goes, and a reload
 * drops the previous set's encodings with it.
 */
public final class OfrepAnswers {

    private static final byte[] BULK_OPEN = "{\"flags\":[".getBytes(StandardCharsets.US_ASCII);
    private static final int BULK_CLOSE_LENGTH = "]}".length();
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(byte[][].class);
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(OfrepAnswers.class, "current", Encoded.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FlagStore store;
    @SuppressWarnings("unused") // through CURRENT
    private volatile Encoded current = new Encoded(FlagSet.EMPTY);

    /** The encoded outcomes of one flag set: slot {@code i} holds outcome {@code i}'s bytes once encoded. */
    private static final class Encoded {
        final FlagSet flags;
        final List<EvaluationResult> outcomes;
        final byte[][] slots;

        Encoded(FlagSet flags) {
            this.flags = flags;
            this.outcomes = flags.outcomes();
            this.slots = new byte[outcomes.size()][];
        }
    }

    /** {@code store}: only the set it serves now has its answers kept. */
    public OfrepAnswers(FlagStore store) {
        this.store = store;
    }

    /** The answer to a single-flag evaluation: {@code r}'s OFREP object alone. */
    public Buffer single(Snapshot snapshot, EvaluationResult r) {
        byte[] bytes = bytes(encoded(snapshot), r);
        return Buffer.buffer(bytes.length).appendBytes(bytes);
    }

    /**
     * The answer to a bulk evaluation: {@code {"flags":[...]}} of {@code results[0..count)}, in that order, and the
     * members {@code more} after {@code flags} (encoded, each preceded by a comma; empty for none).
     */
    public Buffer bulk(Snapshot snapshot, EvaluationResult[] results, int count, byte[] more) {
        Encoded encoded = encoded(snapshot);
        byte[][] parts = new byte[count][];
        int size = BULK_OPEN.length + BULK_CLOSE_LENGTH + Math.max(0, count - 1) + more.length;
        for (int i = 0; i < count; i++) {
            parts[i] = bytes(encoded, results[i]);
            size += parts[i].length;
        }
        Buffer out = Buffer.buffer(size).appendBytes(BULK_OPEN);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.appendByte((byte) ',');
            }
            out.appendBytes(parts[i]);
        }
        return out.appendByte((byte) ']').appendBytes(more).appendByte((byte) '}');
    }

    /**
     * The reference encoding of a bulk answer, as text built result by result with {@link JsonText}: what the
     * sidecar sent before this class, kept as the yardstick of {@link #bulk} for tests and benchmarks.
     */
    public static String bulkText(EvaluationResult[] results, int count, String more) {
        StringBuilder sb = new StringBuilder(64 + count * 120);
        sb.append("{\"flags\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(',');
            }
            text(sb, results[i]);
        }
        return sb.append(']').append(more).append('}').toString();
    }

    /** One result's OFREP object as text: a success's value, reason, variant and metadata, or an error. */
    static StringBuilder text(StringBuilder sb, EvaluationResult r) {
        return r.isError() ? JsonText.ofrepFailure(sb, r) : JsonText.ofrepSuccess(sb, r);
    }

    /** The encodings of {@code snapshot}'s set when it is the one served now, or {@code null} (encode as you go). */
    private Encoded encoded(Snapshot snapshot) {
        Encoded e = current;
        FlagSet flags = snapshot.flags();
        if (e.flags == flags) {
            return e;
        }
        Snapshot now = store.current();
        if (now == null || now.flags() != flags) {
            return null;
        }
        Encoded fresh = new Encoded(flags);
        // Two loops may both see the new set first: one table wins, the other loop uses it.
        Encoded witness = (Encoded) CURRENT.compareAndExchange(this, e, fresh);
        return witness == e ? fresh : witness.flags == flags ? witness : null;
    }

    private static byte[] bytes(Encoded encoded, EvaluationResult r) {
        int i = r.index();
        if (encoded == null || i < 0 || i >= encoded.slots.length || encoded.outcomes.get(i) != r) {
            return encode(r);
        }
        byte[] b = (byte[]) SLOT.getAcquire(encoded.slots, i);
        if (b == null) {
            b = encode(r);
            SLOT.setRelease(encoded.slots, i, b);
        }
        return b;
    }

    private static byte[] encode(EvaluationResult r) {
        return text(new StringBuilder(160), r).toString().getBytes(StandardCharsets.UTF_8);
    }
}
