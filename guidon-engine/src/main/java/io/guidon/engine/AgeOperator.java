package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code olderThan} and {@code newerThan}: the attribute is an instant, each value an age relative to now (an
 * ISO-8601 duration or period, not negative). {@code olderThan P30D} holds for an instant at least 30 days ago;
 * {@code newerThan P30D} for one less than 30 days ago. Ages with years, months or weeks count calendar time in UTC.
 */
final class AgeOperator extends Clause {

    private final Duration[] durations;
    private final Period[] periods;

    private AgeOperator(String attribute, Operator op, List<Object> source, Duration[] durations, Period[] periods) {
        super(attribute, op, source);
        this.durations = durations;
        this.periods = periods;
    }

    /** The {@link OperatorSpec} of {@code olderThan} and {@code newerThan}. */
    static Clause compile(OperatorSpec.Input in, Problems problems) {
        JsonNode values = OperatorValues.required(in, problems);
        if (values == null) {
            return null;
        }
        List<Object> source = OperatorValues.source(values);
        String[] strings = OperatorValues.strings(in, values, problems);
        Duration[] durations = new Duration[strings.length];
        Period[] periods = new Period[strings.length];
        for (int i = 0; i < strings.length; i++) {
            if (strings[i] == null) {
                continue;
            }
            String s = strings[i];
            try {
                durations[i] = Duration.parse(s);
            } catch (DateTimeParseException notDuration) {
                try {
                    periods[i] = Period.parse(s);
                    durations[i] = Duration.ZERO;
                } catch (DateTimeParseException notPeriod) {
                    problems.error(in.valuesAt().index(i), "invalid ISO-8601 duration '" + s
                            + "' (such as P30D, PT12H, P2W or P1Y)");
                    continue;
                }
            }
            if (durations[i].isNegative() || (periods[i] != null && periods[i].isNegative())) {
                problems.error(in.valuesAt().index(i), "a duration must not be negative: '" + s + "'");
            }
        }
        return new AgeOperator(in.attribute(), in.op(), source, durations, periods);
    }

    /** Parsing the instant, then per value a subtraction, or calendar arithmetic for a period. */
    @Override
    long steps() {
        return 10 + (long) durations.length * 10;
    }

    @Override
    boolean testValue(Object value, InstantSource clock) {
        long t = Instants.toEpochMillis(value);
        if (t == Instants.INVALID) {
            return false;
        }
        long now = clock.millis();
        for (int i = 0; i < durations.length; i++) {
            long threshold = threshold(now, i);
            if (op == Operator.OLDER_THAN ? t <= threshold : t > threshold) {
                return true;
            }
        }
        return false;
    }

    /**
     * Now minus the age. An age too long for epoch milliseconds (the document may say {@code P999999999Y})
     * reaches back before every instant a context can send: {@link Long#MIN_VALUE}, rather than an exception.
     */
    private long threshold(long now, int i) {
        try {
            return periods[i] == null
                    ? Math.subtractExact(now, durations[i].toMillis())
                    : Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC).minus(periods[i]).toInstant().toEpochMilli();
        } catch (ArithmeticException | DateTimeException beyondRange) {
            return Long.MIN_VALUE;
        }
    }
}
