package io.guidon.engine;

import com.google.re2j.Pattern;
import java.time.Duration;
import java.time.InstantSource;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled clause {@code {"attribute", "op", "values"}}. The attribute is read once; a missing attribute or
 * one of a type the operator does not take makes the clause false (even for {@code notIn}). An attribute that
 * is a list holds when any element satisfies the operator; for {@code notIn}, when no element is in the values.
 */
abstract class Clause extends Condition {

    final String attribute;
    final Operator op;
    /** The clause's values as written, shown by explain. */
    private final List<Object> sourceValues;

    Clause(String attribute, Operator op, List<Object> sourceValues) {
        this.attribute = attribute;
        this.op = op;
        this.sourceValues = sourceValues;
    }

    /** Whether one scalar attribute value satisfies the operator; false for a type the operator does not take. */
    abstract boolean testValue(Object value, InstantSource clock);

    /**
     * The worst-case work of testing one scalar value, in evaluation steps of about 10 ns (see
     * {@link FlagDocumentCompiler#MAX_EVALUATION_STEPS}); measured on the operators' worst inputs. One for a hash or
     * bit lookup; the scanning operators weigh each value by its length and the longest string they scan.
     */
    long steps() {
        return 1;
    }

    /** Steps of {@code contains} with a value of {@code length}: a naive search, up to scanned x length compares. */
    static long containsSteps(int length) {
        return 1 + (long) FlagDocumentCompiler.MAX_SCANNED_LENGTH * length / 64;
    }

    /** Steps of {@code startsWith}, {@code endsWith} or {@code equals} with a value of {@code length}. */
    static long prefixSteps(int length) {
        return 1 + length / 128;
    }

    /** {@code notIn} holds for a list when every element passes; every other operator when one does. */
    boolean everyElement() {
        return false;
    }

    @Override
    final boolean test(EvaluationContext ctx, InstantSource clock, List<Object> trace) {
        Object value = ctx.get(attribute);
        boolean result;
        if (value == null) {
            result = false;
        } else if (op == Operator.EXISTS) {
            result = true;
        } else if (value instanceof List<?> list) {
            result = testList(list, clock);
        } else {
            result = testValue(value, clock);
        }
        if (trace != null) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("attribute", attribute);
            node.put("op", op.jsonName());
            if (op != Operator.EXISTS) {
                node.put("values", sourceValues);
            }
            node.put("actual", value);
            node.put("result", result);
            trace.add(node);
        }
        return result;
    }

    private boolean testList(List<?> list, InstantSource clock) {
        // A clause that scans text reads at most MAX_SCANNED_LENGTH characters of a list in all, as of one string:
        // the cost model counts one scan, so a long list of long strings must not multiply it. Elements past the
        // budget are not examined: through them the clause does not hold.
        int budget = scansText() ? FlagDocumentCompiler.MAX_SCANNED_LENGTH : Integer.MAX_VALUE;
        boolean every = everyElement();
        for (int i = 0, n = list.size(); i < n; i++) {
            Object element = list.get(i);
            if (budget != Integer.MAX_VALUE) {
                budget -= element instanceof String s ? Math.max(1, s.length()) : 1;
                if (budget < 0) {
                    return false;
                }
            }
            boolean holds = testValue(element, clock);
            if (every != holds) {
                return holds;
            }
        }
        return every;
    }

    /** Whether this clause scans a string whole (so its cost grows with the string's length). */
    boolean scansText() {
        return false;
    }

    /** {@code in} and {@code notIn}: strings through a hash set, numbers through a sorted array, booleans as two bits. */
    static final class In extends Clause {
        private final Set<String> strings;
        private final double[] numbers;
        private final boolean hasTrue;
        private final boolean hasFalse;
        private final boolean negated;

        In(String attribute, Operator op, List<Object> source, Set<String> strings, double[] sortedNumbers,
                boolean hasTrue, boolean hasFalse) {
            super(attribute, op, source);
            this.strings = strings;
            this.numbers = sortedNumbers;
            this.hasTrue = hasTrue;
            this.hasFalse = hasFalse;
            this.negated = op == Operator.NOT_IN;
        }

        @Override
        boolean everyElement() {
            return negated;
        }

        @Override
        boolean testValue(Object value, InstantSource clock) {
            boolean in;
            if (value instanceof String s) {
                in = strings.contains(s);
            } else if (value instanceof Number n) {
                // + 0.0 turns -0.0 into 0.0, as the compiler did for the values.
                in = numbers.length != 0 && Arrays.binarySearch(numbers, n.doubleValue() + 0.0) >= 0;
            } else if (value instanceof Boolean b) {
                in = b ? hasTrue : hasFalse;
            } else {
                return false;
            }
            return in != negated;
        }
    }

    /** {@code contains}, {@code startsWith}, {@code endsWith} on strings, any of the values. */
    static final class StringOp extends Clause {
        private final String[] values;

        StringOp(String attribute, Operator op, List<Object> source, String[] values) {
            super(attribute, op, source);
            this.values = values;
        }

        @Override
        long steps() {
            long steps = 0;
            for (int i = 0; i < values.length; i++) {
                int length = values[i] == null ? 0 : values[i].length();
                steps = Cost.add(steps, op == Operator.CONTAINS ? containsSteps(length) : prefixSteps(length));
            }
            return Math.max(1, steps);
        }

        @Override
        boolean scansText() {
            return op == Operator.CONTAINS;
        }

        @Override
        boolean testValue(Object value, InstantSource clock) {
            if (!(value instanceof String s)) {
                return false;
            }
            if (op == Operator.CONTAINS && s.length() > FlagDocumentCompiler.MAX_SCANNED_LENGTH) {
                return false;
            }
            for (int i = 0; i < values.length; i++) {
                boolean hit = switch (op) {
                    case CONTAINS -> s.contains(values[i]);
                    case STARTS_WITH -> s.startsWith(values[i]);
                    default -> s.endsWith(values[i]);
                };
                if (hit) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code matches}: RE2 semantics (linear time, no backtracking), searching anywhere in the string. */
    static final class Matches extends Clause {
        private final Pattern[] patterns;
        /** For a pattern that is only literal text (with ^ or $), that text; it is then matched without RE2. */
        private final LiteralPattern[] literals;

        Matches(String attribute, List<Object> source, Pattern[] patterns) {
            super(attribute, Operator.MATCHES, source);
            this.patterns = patterns;
            this.literals = new LiteralPattern[patterns.length];
            for (int i = 0; i < patterns.length; i++) {
                literals[i] = patterns[i] == null ? null : LiteralPattern.of(patterns[i].pattern());
            }
        }

        /**
         * A literal pattern costs as the string operation it becomes; any other, one step per instruction of its
         * expanded program per character scanned (RE2/J's automaton, measured at 5 to 15 ns each).
         */
        @Override
        long steps() {
            long steps = 0;
            for (int i = 0; i < patterns.length; i++) {
                LiteralPattern literal = literals[i];
                long one;
                if (patterns[i] == null) {
                    one = 1;
                } else if (literal != null) {
                    one = literal.atStart() || literal.atEnd() ? prefixSteps(literal.text().length())
                            : containsSteps(literal.text().length());
                } else {
                    one = 1 + Cost.times(RegexSize.of(patterns[i].pattern()), FlagDocumentCompiler.MAX_SCANNED_LENGTH);
                }
                steps = Cost.add(steps, one);
            }
            return Math.max(1, steps);
        }

        @Override
        boolean scansText() {
            return true;
        }

        @Override
        boolean testValue(Object value, InstantSource clock) {
            if (!(value instanceof String s) || s.length() > FlagDocumentCompiler.MAX_SCANNED_LENGTH) {
                return false;
            }
            for (int i = 0; i < patterns.length; i++) {
                LiteralPattern literal = literals[i];
                if (literal != null ? literal.find(s) : patterns[i].matcher(s).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code lt}, {@code lte}, {@code gt}, {@code gte} on numbers. */
    static final class NumberOp extends Clause {
        private final double[] values;

        NumberOp(String attribute, Operator op, List<Object> source, double[] values) {
            super(attribute, op, source);
            this.values = values;
        }

        @Override
        long steps() {
            return 1 + values.length / 8;
        }

        @Override
        boolean testValue(Object value, InstantSource clock) {
            if (!(value instanceof Number n)) {
                return false;
            }
            double x = n.doubleValue();
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                boolean hit = switch (op) {
                    case LT -> x < v;
                    case LTE -> x <= v;
                    case GT -> x > v;
                    default -> x >= v;
                };
                if (hit) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code semverEq}, {@code semverLt}, {@code semverGt}: precedence as SemVer 2.0 defines it (build metadata ignored). */
    static final class SemverOp extends Clause {
        /**
         * Contexts send few distinct versions (the app versions in the field) and parsing one costs far more than
         * comparing, so each clause remembers what it parsed, up to a bound; versions are immutable.
         */
        private static final int MEMO_LIMIT = 1_000;
        private final java.util.concurrent.ConcurrentHashMap<String, Versions.Version> parsed =
                new java.util.concurrent.ConcurrentHashMap<>();
        private final Versions.Version[] values;

        SemverOp(String attribute, Operator op, List<Object> source, Versions.Version[] values) {
            super(attribute, op, source);
            this.values = values;
        }

        /** A comparison per value, and parsing a version not seen yet (at most 256 characters). */
        @Override
        long steps() {
            return 26 + values.length;
        }

        @Override
        boolean testValue(Object value, InstantSource clock) {
            if (!(value instanceof String s) || s.length() > Versions.MAX_LENGTH) {
                return false;
            }
            Versions.Version version = parsed.get(s);
            if (version == null) {
                version = Versions.parseLenient(s);
                if (version == null) {
                    return false;
                }
                if (parsed.size() < MEMO_LIMIT) {
                    parsed.putIfAbsent(s, version);
                }
            }
            for (int i = 0; i < values.length; i++) {
                int c = version.compareTo(values[i]);
                boolean hit = switch (op) {
                    case SEMVER_EQ -> c == 0;
                    case SEMVER_LT -> c < 0;
                    default -> c > 0;
                };
                if (hit) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code before} and {@code after}: the attribute is an instant (ISO-8601 string or epoch milliseconds). */
    static final class InstantOp extends Clause {
        private final long[] millis;

        InstantOp(String attribute, Operator op, List<Object> source, long[] millis) {
            super(attribute, op, source);
            this.millis = millis;
        }

        /** Parsing the instant, then a comparison per value. */
        @Override
        long steps() {
            return 10 + millis.length / 8;
        }

        @Override
        boolean testValue(Object value, InstantSource clock) {
            long t = Instants.toEpochMillis(value);
            if (t == Instants.INVALID) {
                return false;
            }
            for (int i = 0; i < millis.length; i++) {
                if (op == Operator.BEFORE ? t < millis[i] : t > millis[i]) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * {@code olderThan} and {@code newerThan}: the attribute is an instant, each value an age relative to now.
     * {@code olderThan P30D} holds for an instant at least 30 days ago; {@code newerThan P30D} for one less than
     * 30 days ago. Ages with years, months or weeks count calendar time in UTC.
     */
    static final class AgeOp extends Clause {
        private final Duration[] durations;
        private final Period[] periods;

        AgeOp(String attribute, Operator op, List<Object> source, Duration[] durations, Period[] periods) {
            super(attribute, op, source);
            this.durations = durations;
            this.periods = periods;
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
                        : java.time.Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC).minus(periods[i]).toInstant()
                                .toEpochMilli();
            } catch (ArithmeticException | java.time.DateTimeException beyondRange) {
                return Long.MIN_VALUE;
            }
        }
    }

    /** {@code exists}: the attribute is present and not null (an empty list is present). */
    static final class Exists extends Clause {
        Exists(String attribute) {
            super(attribute, Operator.EXISTS, List.of());
        }

        @Override
        boolean testValue(Object value, InstantSource clock) {
            return value != null;
        }
    }
}
