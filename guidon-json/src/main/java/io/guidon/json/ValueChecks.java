package io.guidon.json;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What a server accepts from a client as text, number or instant: only values that every store and wire format
 * downstream holds exactly. PostgreSQL's text and jsonb refuse U+0000; an unpaired UTF-16 surrogate has no UTF-8
 * form (drivers write it as '?'); a JSON number beyond the double range reads as infinity, and a non-zero one
 * below it as zero; a timestamptz cannot hold every Java instant. Each check returns why a value is refused, or
 * null when it is accepted, so callers can report every problem with its path.
 */
public final class ValueChecks {

    /** The earliest instant accepted: the first instant of year 1 (four-digit years, RFC 3339). */
    public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    /** The latest instant accepted: the last nanosecond of year 9999. */
    public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private static final BigDecimal MAX_DOUBLE = new BigDecimal(Double.MAX_VALUE);

    private ValueChecks() {
    }

    /** Why {@code s} cannot be stored as text (U+0000, or an unpaired surrogate), or null. */
    public static String textProblem(String s) {
        int i = firstUnstorable(s);
        if (i < 0) {
            return null;
        }
        char c = s.charAt(i);
        return c == 0 ? "contains U+0000 (NUL) at character " + i + "; text may not hold it"
                : "contains an unpaired UTF-16 surrogate " + hex(c) + " at character " + i
                        + "; it is not a character and has no UTF-8 form";
    }

    /**
     * The index of the first char of {@code s} that no store can hold (U+0000, or a surrogate without its pair), or
     * -1. Allocates nothing, so the event rules run it on the evaluation path.
     */
    public static int firstUnstorable(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Why the decimal {@code d} cannot be held as a double (its magnitude is beyond {@link Double#MAX_VALUE}, or it
     * is not zero but rounds to zero), or null.
     */
    public static String numberProblem(BigDecimal d) {
        if (d.abs().compareTo(MAX_DOUBLE) > 0) {
            return "is outside the range of numbers (magnitude at most " + Double.MAX_VALUE + ")";
        }
        if (d.signum() != 0 && d.doubleValue() == 0.0) {
            return "is too close to zero to be held (it would become 0; the smallest magnitude is "
                    + Double.MIN_VALUE + ")";
        }
        return null;
    }

    /** Why {@code i} cannot be stored as an instant (outside years 1 to 9999), or null. */
    public static String instantProblem(Instant i) {
        if (i.isBefore(MIN_INSTANT) || i.isAfter(MAX_INSTANT)) {
            return "must be from " + MIN_INSTANT + " to " + MAX_INSTANT + " (years 1 to 9999), not " + i;
        }
        return null;
    }

    /**
     * Decodes one percent-encoded component of a URI (a path, a query name or value) strictly: every {@code %} is
     * followed by two hex digits and the bytes are UTF-8; {@code plusIsSpace} for query strings.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static String decodeUriComponent(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("'%' at character " + i
                            + " is not followed by two hexadecimal digits");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the percent-encoded bytes are not UTF-8");
        }
    }

    /** {@code s} for a message: control characters and surrogates as {@code \\uXXXX}, at most {@code max} chars. */
    public static String printable(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                b.append("\\u").append(String.format("%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }

    private static String hex(char c) {
        return String.format("U+%04X", (int) c);
    }
}
