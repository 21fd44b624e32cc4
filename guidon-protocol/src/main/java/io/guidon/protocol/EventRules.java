package io.guidon.protocol;

import io.guidon.json.ValueChecks;
import java.time.Duration;
import java.time.Instant;

/**
 * What one event may contain: the one set of rules that the sidecar applies before it records an event and the
 * control plane applies to every event of a batch ({@code POST /api/v1/events}). Pure Java, no I/O, no HTTP, so
 * that both sides (and later the protocol module) use the very same checks.
 *
 * <p>Each check returns {@code null} when the value is fine, else a {@link Problem} (a constant: checks on the
 * evaluation path allocate nothing); {@link Problem#describe} turns it into a sentence for an answer or a log.
 *
 * <p>Times. The control plane refuses events older than its {@code events.max-event-age} (default
 * {@link #DEFAULT_MAX_EVENT_AGE}) or ahead of its clock by more than {@code events.max-clock-skew} (default
 * {@link #DEFAULT_MAX_CLOCK_SKEW}). The sidecar accepts a narrower window, {@link #SIDECAR_MAX_AGE} back and
 * {@link #SIDECAR_MAX_AHEAD} ahead, so that it never accepts what a control plane with default settings refuses,
 * with {@link #DELIVERY_MARGIN} left for the event to wait (in memory or the disk spool) before delivery. An event
 * that waits longer, or meets a control plane with a shorter max-event-age, is refused by the control plane alone
 * (per event: the rest of its batch is stored) and counted by the sidecar.
 */
public final class EventRules {

    /**
     * Longest targeting key, in characters (Unicode code points, as PostgreSQL counts a text's length: an emoji is
     * one, though Java's {@code String.length()} counts it as two).
     */
    public static final int MAX_TARGETING_KEY_LENGTH = 256;
    /**
     * Longest flag key, variant name or event name, in characters (they are ASCII, so one char is one character).
     */
    public static final int MAX_NAME_LENGTH = 128;
    /** The largest count of one row: a sidecar at a million evaluations a second makes 6e7 a minute. */
    public static final long MAX_COUNT = 1_000_000_000_000L;
    /** The control plane's default {@code events.max-event-age}. */
    public static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofDays(30);
    /** The control plane's default {@code events.max-clock-skew}. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofHours(1);
    /** Time the sidecar leaves an accepted event to reach the control plane before it would be too old there. */
    public static final Duration DELIVERY_MARGIN = Duration.ofDays(1);
    /** The oldest event time the sidecar accepts, back from now: {@code DEFAULT_MAX_EVENT_AGE - DELIVERY_MARGIN}. */
    public static final Duration SIDECAR_MAX_AGE = DEFAULT_MAX_EVENT_AGE.minus(DELIVERY_MARGIN);
    /** How far ahead of the sidecar's clock an event time may be (an application's clock running ahead). */
    public static final Duration SIDECAR_MAX_AHEAD = Duration.ofMinutes(5);

    /** Why a value is refused; {@link #label} is the metric label ({@code reason="too-long"}). */
    public enum Problem {
        EMPTY("empty", "must not be empty"),
        TOO_LONG("too-long", "must be at most " + MAX_TARGETING_KEY_LENGTH + " characters"),
        NUL("nul", "must not contain the NUL character (U+0000)"),
        UNPAIRED_SURROGATE("unpaired-surrogate", "must not contain an unpaired UTF-16 surrogate"),
        NOT_A_FLAG_KEY("not-a-flag-key", "must be a flag key: 1 to 128 of a-z, 0-9, '.', '_', '-', starting with a"
                + " letter or digit"),
        NOT_A_VARIANT_NAME("not-a-variant-name", "must be a variant name: 1 to 128 of A-Z, a-z, 0-9, '.', '_', '-',"
                + " starting with a letter or digit"),
        NOT_AN_EVENT_NAME("not-an-event-name", "must be an event name: 1 to 128 of A-Z, a-z, 0-9, '.', '_', ':',"
                + " '/', '-', starting with a letter or digit"),
        NOT_FINITE("not-finite", "must be a number within the range of a double (about ±1.8e308)"),
        UNDERFLOW("underflow", "is too small in magnitude for a double: it would be stored as 0"),
        COUNT_OUT_OF_RANGE("count-out-of-range", "must be a whole number from 1 to " + MAX_COUNT),
        NOT_A_MINUTE("not-a-minute", "must be the start of a minute (seconds and fractions zero)"),
        TOO_OLD("too-old", "is older than events are accepted"),
        IN_FUTURE("in-future", "is further in the future than events are accepted; is the clock right?");

        private final String label;
        private final String message;

        Problem(String label, String message) {
            this.label = label;
            this.message = message;
        }

        /** Short, stable, for metric labels and logs. */
        public String label() {
            return label;
        }

        /** The rule that was broken, as a sentence's predicate ("must not be empty"). */
        public String message() {
            return message;
        }

        /** The rule, with the value's length in characters (code points) when that is what was wrong. */
        public String describe(String value) {
            return this == TOO_LONG && value != null ? "must be at most " + MAX_TARGETING_KEY_LENGTH
                    + " characters, not " + value.codePointCount(0, value.length()) : message;
        }
    }

    private EventRules() {
    }

    /**
     * A subject's targeting key: 1 to {@link #MAX_TARGETING_KEY_LENGTH} characters (code points), no NUL
     * (PostgreSQL's text cannot hold it) and no unpaired surrogate (it has no UTF-8 form: JSON writers and the
     * database refuse or replace it). The length is counted once the text is known to be whole characters, so a
     * surrogate pair is one character, as in the database. Allocation-free; runs on the evaluation path.
     */
    public static Problem targetingKey(String key) {
        int n = key.length();
        if (n == 0) {
            return Problem.EMPTY;
        }
        Problem text = text(key);
        if (text != null) {
            return text;
        }
        return n > MAX_TARGETING_KEY_LENGTH && key.codePointCount(0, n) > MAX_TARGETING_KEY_LENGTH
                ? Problem.TOO_LONG : null;
    }

    /** A flag key as the engine and the admin API define it: {@code [a-z0-9][a-z0-9._-]{0,127}}. */
    public static Problem flagKey(String key) {
        int n = key.length();
        if (n == 0 || n > MAX_NAME_LENGTH || !lowerAlnum(key.charAt(0))) {
            return Problem.NOT_A_FLAG_KEY;
        }
        for (int i = 1; i < n; i++) {
            char c = key.charAt(i);
            if (!lowerAlnum(c) && c != '.' && c != '_' && c != '-') {
                return Problem.NOT_A_FLAG_KEY;
            }
        }
        return null;
    }

    /** A variant name: {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}. */
    public static Problem variantName(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_NAME_LENGTH || !alnum(name.charAt(0))) {
            return Problem.NOT_A_VARIANT_NAME;
        }
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            if (!alnum(c) && c != '.' && c != '_' && c != '-') {
                return Problem.NOT_A_VARIANT_NAME;
            }
        }
        return null;
    }

    /** An event name of {@code POST /v1/track}: {@code [A-Za-z0-9][A-Za-z0-9._:/-]{0,127}}. */
    public static Problem eventName(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_NAME_LENGTH || !alnum(name.charAt(0))) {
            return Problem.NOT_AN_EVENT_NAME;
        }
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            if (!alnum(c) && c != '.' && c != '_' && c != '-' && c != ':' && c != '/') {
                return Problem.NOT_AN_EVENT_NAME;
            }
        }
        return null;
    }

    /** A conversion's value: a finite double (JSON has no NaN or infinity, and 1e400 overflows to one). */
    public static Problem value(double value) {
        return Double.isFinite(value) ? null : Problem.NOT_FINITE;
    }

    /**
     * A number as written in JSON and what it parsed to: {@link Problem#UNDERFLOW} when a literal with a non-zero
     * digit in its mantissa (such as {@code 1e-400}) became 0, {@link Problem#NOT_FINITE} when it overflowed.
     */
    public static Problem value(CharSequence literal, double parsed) {
        if (!Double.isFinite(parsed)) {
            return Problem.NOT_FINITE;
        }
        if (parsed == 0.0) {
            for (int i = 0, n = literal.length(); i < n; i++) {
                char c = literal.charAt(i);
                if (c == 'e' || c == 'E') {
                    break;
                }
                if (c >= '1' && c <= '9') {
                    return Problem.UNDERFLOW;
                }
            }
        }
        return null;
    }

    /** An evaluation count of one row: 1 to {@link #MAX_COUNT}. */
    public static Problem count(long count) {
        return count >= 1 && count <= MAX_COUNT ? null : Problem.COUNT_OUT_OF_RANGE;
    }

    /** The start of a count's minute: whole minutes since the epoch. */
    public static Problem minute(Instant minute) {
        return minute.getEpochSecond() % 60 == 0 && minute.getNano() == 0 ? null : Problem.NOT_A_MINUTE;
    }

    /** An event's time within {@code [notBefore, notAfter]}. */
    public static Problem time(Instant time, Instant notBefore, Instant notAfter) {
        if (time.isBefore(notBefore)) {
            return Problem.TOO_OLD;
        }
        if (time.isAfter(notAfter)) {
            return Problem.IN_FUTURE;
        }
        return null;
    }

    /** {@link #time(Instant, Instant, Instant)} in epoch milliseconds, allocation-free. */
    public static Problem time(long epochMillis, long notBeforeMillis, long notAfterMillis) {
        if (epochMillis < notBeforeMillis) {
            return Problem.TOO_OLD;
        }
        if (epochMillis > notAfterMillis) {
            return Problem.IN_FUTURE;
        }
        return null;
    }

    /** The sidecar's window at {@code nowMillis}: an event time it accepts. */
    public static Problem sidecarTime(long epochMillis, long nowMillis) {
        return time(epochMillis, nowMillis - SIDECAR_MAX_AGE.toMillis(), nowMillis + SIDECAR_MAX_AHEAD.toMillis());
    }

    /** No NUL, no unpaired surrogate (the same check as every text at the servers' edges). */
    static Problem text(String s) {
        int i = ValueChecks.firstUnstorable(s);
        return i < 0 ? null : s.charAt(i) == 0 ? Problem.NUL : Problem.UNPAIRED_SURROGATE;
    }

    private static boolean lowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean alnum(char c) {
        return lowerAlnum(c) || (c >= 'A' && c <= 'Z');
    }
}
