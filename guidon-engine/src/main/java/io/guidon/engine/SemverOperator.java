package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code semverEq}, {@code semverLt} and {@code semverGt}: the attribute, a version, compares so with any of the
 * values by precedence as SemVer 2.0 defines it (build metadata ignored). The values must be strict versions; the
 * attribute is read leniently ({@link Versions#parseLenient}).
 */
final class SemverOperator extends Clause {

    /**
     * Contexts send few distinct versions (the app versions in the field) and parsing one costs far more than
     * comparing, so each clause remembers what it parsed, up to a bound; versions are immutable.
     */
    private static final int MEMO_LIMIT = 1_000;
    private final ConcurrentHashMap<String, Versions.Version> parsed = new ConcurrentHashMap<>();
    private final Versions.Version[] values;

    private SemverOperator(String attribute, Operator op, List<Object> source, Versions.Version[] values) {
        super(attribute, op, source);
        this.values = values;
    }

    /** The {@link OperatorSpec} of {@code semverEq}, {@code semverLt} and {@code semverGt}. */
    static Clause compile(OperatorSpec.Input in, Problems problems) {
        JsonNode values = OperatorValues.required(in, problems);
        if (values == null) {
            return null;
        }
        List<Object> source = OperatorValues.source(values);
        String[] strings = OperatorValues.strings(in, values, problems);
        Versions.Version[] versions = new Versions.Version[strings.length];
        for (int i = 0; i < strings.length; i++) {
            if (strings[i] == null) {
                continue;
            }
            versions[i] = Versions.parseStrict(strings[i]);
            if (versions[i] == null) {
                problems.error(in.valuesAt().index(i), "invalid semantic version '" + strings[i]
                        + "' (expected MAJOR.MINOR.PATCH, such as 1.4.0 or 2.0.0-beta.1)");
            }
        }
        return new SemverOperator(in.attribute(), in.op(), source, versions);
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
