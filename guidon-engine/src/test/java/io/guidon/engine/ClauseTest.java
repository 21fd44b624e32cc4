package io.guidon.engine;

import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.exists;
import static io.guidon.engine.Flags.holds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every clause operator, evaluated through a one-rule flag so that the compiled form is what is tested. */
class ClauseTest {

    /** One clause per operator that would hold for a suitable value, to show what no value or a wrong one does. */
    private static final Map<Operator, JsonNode> SAMPLES = samples();

    static Map<Operator, JsonNode> samples() {
        Map<Operator, JsonNode> m = new EnumMap<>(Operator.class);
        m.put(Operator.IN, clause("a", "in", "x", 1, true));
        m.put(Operator.NOT_IN, clause("a", "notIn", "x"));
        m.put(Operator.CONTAINS, clause("a", "contains", ""));
        m.put(Operator.STARTS_WITH, clause("a", "startsWith", ""));
        m.put(Operator.ENDS_WITH, clause("a", "endsWith", ""));
        m.put(Operator.MATCHES, clause("a", "matches", ".*"));
        m.put(Operator.LT, clause("a", "lt", 1e300));
        m.put(Operator.LTE, clause("a", "lte", 1e300));
        m.put(Operator.GT, clause("a", "gt", -1e300));
        m.put(Operator.GTE, clause("a", "gte", -1e300));
        m.put(Operator.SEMVER_EQ, clause("a", "semverEq", "1.0.0"));
        m.put(Operator.SEMVER_LT, clause("a", "semverLt", "999.0.0"));
        m.put(Operator.SEMVER_GT, clause("a", "semverGt", "0.0.0"));
        m.put(Operator.BEFORE, clause("a", "before", "2999-01-01"));
        m.put(Operator.AFTER, clause("a", "after", "1900-01-01"));
        m.put(Operator.OLDER_THAN, clause("a", "olderThan", "PT0S"));
        m.put(Operator.NEWER_THAN, clause("a", "newerThan", "P99999D"));
        m.put(Operator.EXISTS, exists("a"));
        return m;
    }

    static Stream<Operator> operators() {
        return Arrays.stream(Operator.values());
    }

    @Test
    void everyOperatorHasASample() {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrder(Operator.values());
    }

    @ParameterizedTest
    @MethodSource("operators")
    void aMissingAttributeIsFalseForEveryOperator(Operator op) {
        assertThat(holds(SAMPLES.get(op))).isFalse();
        assertThat(holds(SAMPLES.get(op), "a", null)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("operators")
    void anObjectAttributeIsFalseForEveryOperatorButExists(Operator op) {
        assertThat(holds(SAMPLES.get(op), "a", Map.of("k", "v"))).isEqualTo(op == Operator.EXISTS);
    }

    @Nested
    class In {
        @Test
        void holdsForAStringAmongTheValues() {
            assertThat(holds(clause("country", "in", "DE", "FR"), "country", "FR")).isTrue();
            assertThat(holds(clause("country", "in", "DE", "FR"), "country", "IT")).isFalse();
        }

        @Test
        void comparesStringsExactly() {
            assertThat(holds(clause("country", "in", "DE"), "country", "de")).isFalse();
            assertThat(holds(clause("country", "in", "DE"), "country", "DE ")).isFalse();
        }

        @Test
        void doesNotConvertBetweenStringsAndNumbers() {
            assertThat(holds(clause("n", "in", "1"), "n", 1)).isFalse();
            assertThat(holds(clause("n", "in", 1), "n", "1")).isFalse();
        }

        @ParameterizedTest
        @MethodSource("io.guidon.engine.ClauseTest#fortyTwos")
        void numbersOfEveryBoxedTypeCompareByValue(Object fortyTwo) {
            assertThat(holds(clause("n", "in", 7, 42), "n", fortyTwo)).isTrue();
            assertThat(holds(clause("n", "in", 42.0), "n", fortyTwo)).isTrue();
            assertThat(holds(clause("n", "in", 41, 43), "n", fortyTwo)).isFalse();
        }

        @Test
        void decimalsCompareByValue() {
            assertThat(holds(clause("n", "in", new BigDecimal("2.50")), "n", 2.5)).isTrue();
            assertThat(holds(clause("n", "in", 2.5), "n", new BigDecimal("2.5000"))).isTrue();
            assertThat(holds(clause("n", "in", 2.5), "n", 2.5f)).isTrue();
        }

        @Test
        void negativeZeroEqualsZero() {
            // A sorted double array tells -0.0 from 0.0, so both sides are normalised; this pins that down.
            assertThat(holds(clause("n", "in", 0), "n", -0.0)).isTrue();
            assertThat(holds(clause("n", "in", 0.0), "n", -0.0)).isTrue();
            assertThat(holds(clause("n", "in", Flags.json("-0.0")), "n", 0.0)).isTrue();
            assertThat(holds(clause("n", "in", Flags.json("-0.0")), "n", 0)).isTrue();
            assertThat(holds(clause("n", "notIn", 0), "n", -0.0)).isFalse();
        }

        @Test
        void negativeZeroInATreeCompiledWithoutBigDecimalsEqualsZero() {
            // compile(JsonNode) may get a tree with a real -0.0 double, which the text path never produces.
            Flags doc = Flags.doc().flag("f", f -> f.bool().rule("r",
                    clause("n", "in", Flags.MAPPER.getNodeFactory().numberNode(-0.0)), "on"));
            FlagSet set = new FlagDocumentCompiler().compile(doc.node()).flagSet();
            assertThat(Flags.EVALUATOR.evaluate(set, "f", Flags.ctx("n", 0)).variantKey()).isEqualTo("on");
            assertThat(Flags.EVALUATOR.evaluate(set, "f", Flags.ctx("n", -0.0)).variantKey()).isEqualTo("on");
        }

        @Test
        void booleansMatchOnlyTheBooleansListed() {
            assertThat(holds(clause("beta", "in", true), "beta", true)).isTrue();
            assertThat(holds(clause("beta", "in", true), "beta", false)).isFalse();
            assertThat(holds(clause("beta", "in", false), "beta", false)).isTrue();
            assertThat(holds(clause("beta", "in", "true"), "beta", true)).isFalse();
        }

        @Test
        void valuesOfMixedTypesEachMatchTheirOwnType() {
            JsonNode c = clause("v", "in", "x", 3, false);
            assertThat(holds(c, "v", "x")).isTrue();
            assertThat(holds(c, "v", 3L)).isTrue();
            assertThat(holds(c, "v", false)).isTrue();
            assertThat(holds(c, "v", true)).isFalse();
        }

        @Test
        void aListHoldsWhenAnyElementIsIn() {
            assertThat(holds(clause("roles", "in", "admin"), "roles", List.of("viewer", "admin"))).isTrue();
            assertThat(holds(clause("roles", "in", "admin"), "roles", List.of("viewer"))).isFalse();
            assertThat(holds(clause("roles", "in", "admin"), "roles", List.of())).isFalse();
        }
    }

    @Nested
    class NotIn {
        @Test
        void holdsForAValueNotAmongTheValues() {
            assertThat(holds(clause("status", "notIn", "blocked"), "status", "active")).isTrue();
            assertThat(holds(clause("status", "notIn", "blocked"), "status", "blocked")).isFalse();
        }

        @Test
        void isFalseForAMissingAttributeLikeEveryOperator() {
            // Not "nothing is blocked": a context that says nothing about status proves nothing.
            assertThat(holds(clause("status", "notIn", "blocked"), "other", "x")).isFalse();
        }

        @Test
        void isFalseForAnUnsupportedType() {
            assertThat(holds(clause("status", "notIn", "blocked"), "status", Map.of())).isFalse();
        }

        @Test
        void aListHoldsWhenNoElementIsIn() {
            assertThat(holds(clause("roles", "notIn", "banned"), "roles", List.of("a", "b"))).isTrue();
            assertThat(holds(clause("roles", "notIn", "banned"), "roles", List.of("a", "banned"))).isFalse();
        }

        @Test
        void anEmptyListHasNoElementIn() {
            assertThat(holds(clause("roles", "notIn", "banned"), "roles", List.of())).isTrue();
        }

        @Test
        void aListWithAnElementOfAnUnsupportedTypeIsFalse() {
            assertThat(holds(clause("roles", "notIn", "banned"), "roles", List.of("a", Map.of()))).isFalse();
        }

        @Test
        void numbersOfAnyBoxedTypeAreCompared() {
            assertThat(holds(clause("n", "notIn", 42), "n", BigInteger.valueOf(42))).isFalse();
            assertThat(holds(clause("n", "notIn", 42), "n", 43L)).isTrue();
        }
    }

    static Stream<Object> fortyTwos() {
        return Stream.of(42, 42L, 42.0, 42.0f, (short) 42, (byte) 42, new BigDecimal("42"), new BigDecimal("42.000"),
                BigInteger.valueOf(42));
    }

    @Nested
    class StringOperators {
        @Test
        void containsAnyOfTheValues() {
            JsonNode c = clause("email", "contains", "@example", "@test");
            assertThat(holds(c, "email", "jo@test.org")).isTrue();
            assertThat(holds(c, "email", "jo@other.org")).isFalse();
        }

        @Test
        void startsWithAnyOfTheValues() {
            JsonNode c = clause("path", "startsWith", "/admin", "/ops");
            assertThat(holds(c, "path", "/ops/metrics")).isTrue();
            assertThat(holds(c, "path", "/home/admin")).isFalse();
        }

        @Test
        void endsWithAnyOfTheValues() {
            JsonNode c = clause("email", "endsWith", "@example.com");
            assertThat(holds(c, "email", "jo@example.com")).isTrue();
            assertThat(holds(c, "email", "jo@example.com.evil")).isFalse();
        }

        @Test
        void areCaseSensitive() {
            assertThat(holds(clause("s", "contains", "Beta"), "s", "beta")).isFalse();
            assertThat(holds(clause("s", "startsWith", "A"), "s", "abc")).isFalse();
            assertThat(holds(clause("s", "endsWith", "Z"), "s", "xyz")).isFalse();
        }

        @Test
        void workOnNonAsciiText() {
            assertThat(holds(clause("city", "startsWith", "Mü"), "city", "München")).isTrue();
            assertThat(holds(clause("s", "contains", "🎉"), "s", "party 🎉 time")).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"contains", "startsWith", "endsWith"})
        void ignoreNumbersAndBooleans(String op) {
            assertThat(holds(clause("s", op, "1"), "s", 1)).isFalse();
            assertThat(holds(clause("s", op, "true"), "s", true)).isFalse();
        }

        @Test
        void aListHoldsWhenAnyElementMatches() {
            assertThat(holds(clause("emails", "endsWith", "@guidon.io"), "emails",
                    List.of("a@gmail.com", "a@guidon.io"))).isTrue();
            assertThat(holds(clause("emails", "endsWith", "@guidon.io"), "emails", List.of("a@gmail.com")))
                    .isFalse();
        }
    }

    @Nested
    class Matches {
        @Test
        void searchesAnywhereInTheString() {
            assertThat(holds(clause("email", "matches", "guidon\\.(io|dev)"), "email", "ann@guidon.dev")).isTrue();
            assertThat(holds(clause("email", "matches", "oo"), "email", "foobar")).isTrue();
        }

        @Test
        void anchorsStillAnchor() {
            assertThat(holds(clause("s", "matches", "^bar"), "s", "foobar")).isFalse();
            assertThat(holds(clause("s", "matches", "^foo$"), "s", "foo")).isTrue();
            assertThat(holds(clause("s", "matches", "^foo$"), "s", "food")).isFalse();
        }

        @Test
        void holdsWhenAnyPatternMatches() {
            JsonNode c = clause("ua", "matches", "iPhone", "Android \\d+");
            assertThat(holds(c, "ua", "Mozilla (Linux; Android 14)")).isTrue();
            assertThat(holds(c, "ua", "Mozilla (Windows NT 10.0)")).isFalse();
        }

        @Test
        void aCatastrophicBacktrackingPatternStillAnswers() {
            // A backtracking engine takes exponential time on this input; RE2 is linear, so this returns at all.
            String input = "a".repeat(FlagDocumentCompiler.MAX_SCANNED_LENGTH - 1) + "b"; // the longest scanned
            assertThat(holds(clause("s", "matches", "(a+)+$"), "s", input)).isFalse();
            assertThat(holds(clause("s", "matches", "(a+)+b"), "s", input)).isTrue();
            assertThat(holds(clause("s", "matches", "^(a+)+$"), "s", input)).isFalse();
            assertThat(holds(clause("s", "matches", "^(a|aa)+c"), "s", input)).isFalse();
        }

        @Test
        void ignoresNonStrings() {
            assertThat(holds(clause("n", "matches", "\\d+"), "n", 123)).isFalse();
        }

        @Test
        void aListIsScannedAsOneStringOfAtMostTheScanLimitInAll() {
            // Second re-check: 1,000 long elements multiplied every scan a thousandfold, past the cost model.
            int limit = FlagDocumentCompiler.MAX_SCANNED_LENGTH;
            java.util.List<Object> early = new java.util.ArrayList<>();
            early.add("iPhone 15");
            for (int i = 0; i < 2 * limit; i++) {
                early.add("x");
            }
            java.util.List<Object> late = new java.util.ArrayList<>(early.subList(1, early.size()));
            late.add("iPhone 15");
            JsonNode matches = clause("ua", "matches", "iPhone \\d+");
            JsonNode contains = clause("ua", "contains", "iPhone");

            assertThat(holds(matches, "ua", early)).isTrue();
            assertThat(holds(contains, "ua", early)).isTrue();
            assertThat(holds(matches, "ua", late)).as("past the budget, nothing is examined").isFalse();
            assertThat(holds(contains, "ua", late)).isFalse();
            // Operators that do not scan (a hash lookup) read every element.
            assertThat(holds(clause("ua", "in", "iPhone 15"), "ua", late)).isTrue();
        }

        @Test
        void matchesUnicode() {
            assertThat(holds(clause("name", "matches", "^\\p{Lu}\\p{Ll}+$"), "name", "Émile")).isTrue();
        }
    }

    @Nested
    class NumberComparisons {
        @Test
        void ltIsStrict() {
            assertThat(holds(clause("age", "lt", 18), "age", 17)).isTrue();
            assertThat(holds(clause("age", "lt", 18), "age", 18)).isFalse();
        }

        @Test
        void lteIncludesTheBound() {
            assertThat(holds(clause("age", "lte", 18), "age", 18)).isTrue();
            assertThat(holds(clause("age", "lte", 18), "age", 18.001)).isFalse();
        }

        @Test
        void gtIsStrict() {
            assertThat(holds(clause("score", "gt", 9.5), "score", 9.51)).isTrue();
            assertThat(holds(clause("score", "gt", 9.5), "score", 9.5)).isFalse();
        }

        @Test
        void gteIncludesTheBound() {
            assertThat(holds(clause("searchesPerDay", "gte", 100), "searchesPerDay", 100L)).isTrue();
            assertThat(holds(clause("searchesPerDay", "gte", 100), "searchesPerDay", 99)).isFalse();
        }

        @Test
        void anyBoundSuffices() {
            assertThat(holds(clause("n", "gt", 100, 0), "n", 5)).isTrue();
            assertThat(holds(clause("n", "lt", -5, 3), "n", 5)).isFalse();
        }

        @Test
        void comparesBoxedTypesByValue() {
            assertThat(holds(clause("n", "gte", 42), "n", new BigDecimal("42.0"))).isTrue();
            assertThat(holds(clause("n", "lt", 42), "n", BigInteger.valueOf(41))).isTrue();
            assertThat(holds(clause("n", "lte", -0.0), "n", 0)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"lt", "lte", "gt", "gte"})
        void stringsAreNeverNumbers(String op) {
            assertThat(holds(clause("n", op, 5), "n", "5")).isFalse();
            assertThat(holds(clause("n", op, 5), "n", "4")).isFalse();
            assertThat(holds(clause("n", op, 5), "n", "6")).isFalse();
        }

        @Test
        void booleansAreNotNumbers() {
            assertThat(holds(clause("n", "gte", 0), "n", true)).isFalse();
        }

        @Test
        void nanComparesToNothing() {
            assertThat(holds(clause("n", "lt", 1e300), "n", Double.NaN)).isFalse();
            assertThat(holds(clause("n", "gt", -1e300), "n", Double.NaN)).isFalse();
        }

        @Test
        void aListHoldsWhenAnyElementCompares() {
            assertThat(holds(clause("scores", "gt", 90), "scores", List.of(12, 95))).isTrue();
            assertThat(holds(clause("scores", "gt", 90), "scores", List.of(12, "95"))).isFalse();
        }
    }

    @Nested
    class SemverOperators {
        @Test
        void semverEqComparesPrecedence() {
            assertThat(holds(clause("v", "semverEq", "4.2.0"), "v", "4.2.0")).isTrue();
            assertThat(holds(clause("v", "semverEq", "4.2.0"), "v", "4.2.1")).isFalse();
        }

        @Test
        void semverLtAndGtCompareNumerically() {
            assertThat(holds(clause("v", "semverGt", "4.9.0"), "v", "4.10.0")).isTrue();
            assertThat(holds(clause("v", "semverLt", "4.10.0"), "v", "4.9.0")).isTrue();
            assertThat(holds(clause("v", "semverGt", "4.2.0"), "v", "4.2.0")).isFalse();
            assertThat(holds(clause("v", "semverLt", "4.2.0"), "v", "4.2.0")).isFalse();
        }

        @Test
        void aPrereleaseComesBeforeItsRelease() {
            assertThat(holds(clause("v", "semverLt", "2.0.0"), "v", "2.0.0-rc.1")).isTrue();
            assertThat(holds(clause("v", "semverGt", "2.0.0-rc.1"), "v", "2.0.0-rc.2")).isTrue();
            assertThat(holds(clause("v", "semverGt", "2.0.0-alpha"), "v", "2.0.0-alpha.1")).isTrue();
        }

        @Test
        void buildMetadataIsIgnored() {
            assertThat(holds(clause("v", "semverEq", "1.2.3"), "v", "1.2.3+build.7")).isTrue();
            assertThat(holds(clause("v", "semverEq", "1.2.3+ci.99"), "v", "1.2.3")).isTrue();
            assertThat(holds(clause("v", "semverGt", "1.2.3+b"), "v", "1.2.3+c")).isFalse();
        }

        @Test
        void contextsMayOmitMinorAndPatchAndPrefixAV() {
            assertThat(holds(clause("v", "semverEq", "2.0.0"), "v", "v2")).isTrue();
            assertThat(holds(clause("v", "semverEq", "2.3.0"), "v", "2.3")).isTrue();
            assertThat(holds(clause("v", "semverEq", "2.3.4"), "v", "V2.3.4")).isTrue();
            assertThat(holds(clause("v", "semverLt", "2.3.0"), "v", "2.3-beta")).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"semverEq", "semverLt", "semverGt"})
        void unparseableVersionsAreFalse(String op) {
            assertThat(holds(clause("v", op, "1.0.0"), "v", "banana")).isFalse();
            assertThat(holds(clause("v", op, "1.0.0"), "v", "1.0.0.0")).isFalse();
            assertThat(holds(clause("v", op, "1.0.0"), "v", "")).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"semverEq", "semverLt", "semverGt"})
        void numbersAreNotVersions(String op) {
            assertThat(holds(clause("v", op, "2.0.0"), "v", 2)).isFalse();
            assertThat(holds(clause("v", op, "2.0.0"), "v", 1.5)).isFalse();
            assertThat(holds(clause("v", op, "2.0.0"), "v", 3)).isFalse();
        }

        @Test
        void aListHoldsWhenAnyElementCompares() {
            assertThat(holds(clause("v", "semverGt", "4.2.0"), "v", List.of("1.0.0", "5.0.0"))).isTrue();
        }
    }

    @Nested
    class InstantOperators {
        private final JsonNode beforeNoon = clause("t", "before", "2025-03-01T12:00:00Z");
        private final JsonNode afterNoon = clause("t", "after", "2025-03-01T12:00:00Z");

        @Test
        void compareInstantsWithAnOffset() {
            assertThat(holds(beforeNoon, "t", "2025-03-01T12:59:59+01:00")).isTrue();
            assertThat(holds(afterNoon, "t", "2025-03-01T13:00:01+01:00")).isTrue();
            assertThat(holds(beforeNoon, "t", "2025-03-01T07:00:00-05:00")).isFalse();
            assertThat(holds(afterNoon, "t", "2025-03-01T07:00:00-05:00")).isFalse();
        }

        @Test
        void anInstantWithoutOffsetIsUtc() {
            assertThat(holds(beforeNoon, "t", "2025-03-01T11:59:59.999")).isTrue();
            assertThat(holds(afterNoon, "t", "2025-03-01T12:00:00.001")).isTrue();
            assertThat(holds(clause("t", "after", "2025-03-01T12:00:00"), "t", "2025-03-01T12:30:00+00:30"))
                    .isFalse();
        }

        @Test
        void aDateIsMidnightUtc() {
            assertThat(holds(clause("t", "before", "2025-03-02"), "t", "2025-03-01T23:59:59Z")).isTrue();
            assertThat(holds(clause("t", "after", "2025-03-01"), "t", "2025-03-01T00:00:01Z")).isTrue();
            assertThat(holds(clause("t", "before", "2025-03-01T00:00:01Z"), "t", "2025-03-01")).isTrue();
        }

        @Test
        void epochMillisWorkInDocumentsAndContexts() {
            long noon = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
            assertThat(holds(beforeNoon, "t", noon - 1)).isTrue();
            assertThat(holds(afterNoon, "t", noon + 1)).isTrue();
            assertThat(holds(clause("t", "after", noon), "t", "2025-03-01T12:00:00.001Z")).isTrue();
            assertThat(holds(clause("t", "before", noon), "t", (double) (noon - 1))).isTrue();
        }

        @Test
        void theSameInstantIsNeitherBeforeNorAfter() {
            assertThat(holds(beforeNoon, "t", "2025-03-01T13:00:00+01:00")).isFalse();
            assertThat(holds(afterNoon, "t", "2025-03-01T13:00:00+01:00")).isFalse();
        }

        @Test
        void unparseableInstantsAreFalse() {
            assertThat(holds(beforeNoon, "t", "yesterday")).isFalse();
            assertThat(holds(beforeNoon, "t", "2025-02-30")).isFalse();
            assertThat(holds(beforeNoon, "t", true)).isFalse();
            assertThat(holds(beforeNoon, "t", 1.5)).isFalse();
        }

        @Test
        void anyBoundSuffices() {
            assertThat(holds(clause("t", "before", "2020-01-01", "2030-01-01"), "t", "2025-01-01")).isTrue();
        }
    }

    @Nested
    class AgeOperators {
        private final Evaluator atNow = new Evaluator(InstantSource.fixed(Flags.NOW));

        private boolean at(JsonNode clause, Instant t) {
            return holds(atNow, clause, "t", t.toString());
        }

        @Test
        void olderThanADurationIncludesTheBoundary() {
            JsonNode older = clause("t", "olderThan", "P30D");
            assertThat(at(older, Flags.NOW.minus(Duration.ofDays(31)))).isTrue();
            assertThat(at(older, Flags.NOW.minus(Duration.ofDays(30)))).isTrue();
            assertThat(at(older, Flags.NOW.minus(Duration.ofDays(30)).plusMillis(1))).isFalse();
        }

        @Test
        void newerThanADurationExcludesTheBoundary() {
            JsonNode newer = clause("t", "newerThan", "P30D");
            assertThat(at(newer, Flags.NOW.minus(Duration.ofDays(29)))).isTrue();
            assertThat(at(newer, Flags.NOW.minus(Duration.ofDays(30)))).isFalse();
            assertThat(at(newer, Flags.NOW.minus(Duration.ofDays(31)))).isFalse();
        }

        @Test
        void hoursAreADuration() {
            JsonNode newer = clause("t", "newerThan", "PT12H");
            assertThat(at(newer, Flags.NOW.minus(Duration.ofHours(11)))).isTrue();
            assertThat(at(newer, Flags.NOW.minus(Duration.ofHours(13)))).isFalse();
            assertThat(at(clause("t", "olderThan", "PT12H"), Flags.NOW.minus(Duration.ofHours(13)))).isTrue();
        }

        @Test
        void monthsCountCalendarMonthsInUtc() {
            // Now is 2025-06-15T12:00Z, so one month ago is 2025-05-15T12:00Z, 31 days rather than 30.
            JsonNode older = clause("t", "olderThan", "P1M");
            assertThat(at(older, Instant.parse("2025-05-15T12:00:00Z"))).isTrue();
            assertThat(at(older, Instant.parse("2025-05-15T12:00:01Z"))).isFalse();
            assertThat(at(clause("t", "newerThan", "P1M"), Instant.parse("2025-05-16T00:00:00Z"))).isTrue();
        }

        @Test
        void aYearIsACalendarYearNot365Days() {
            // 2024 is a leap year: from 2024-03-01 one year back is 2023-03-01, 366 days back.
            Evaluator leap = new Evaluator(InstantSource.fixed(Instant.parse("2024-03-01T00:00:00Z")));
            Object[] noon365AndAHalfDaysAgo = {"t", "2023-03-01T12:00:00Z"};
            assertThat(holds(leap, clause("t", "olderThan", "P365D"), noon365AndAHalfDaysAgo)).isTrue();
            assertThat(holds(leap, clause("t", "olderThan", "P1Y"), noon365AndAHalfDaysAgo)).isFalse();
            assertThat(holds(leap, clause("t", "newerThan", "P1Y"), noon365AndAHalfDaysAgo)).isTrue();
        }

        @Test
        void weeksAreSevenDays() {
            assertThat(at(clause("t", "olderThan", "P2W"), Flags.NOW.minus(Duration.ofDays(14)))).isTrue();
            assertThat(at(clause("t", "olderThan", "P2W"), Flags.NOW.minus(Duration.ofDays(13)))).isFalse();
        }

        @Test
        void followTheClock() {
            JsonNode newer = clause("t", "newerThan", "P1D");
            Object[] ctx = {"t", "2025-06-15T00:00:00Z"};
            assertThat(holds(new Evaluator(InstantSource.fixed(Instant.parse("2025-06-15T23:00:00Z"))), newer, ctx))
                    .isTrue();
            assertThat(holds(new Evaluator(InstantSource.fixed(Instant.parse("2025-06-16T01:00:00Z"))), newer, ctx))
                    .isFalse();
        }

        @Test
        void acceptEpochMillisAndDatesInContexts() {
            long tenDaysAgo = Flags.NOW.minus(Duration.ofDays(10)).toEpochMilli();
            assertThat(holds(atNow, clause("t", "newerThan", "P30D"), "t", tenDaysAgo)).isTrue();
            assertThat(holds(atNow, clause("t", "olderThan", "P30D"), "t", "2025-01-01")).isTrue();
        }

        @Test
        void anAgeBeyondTheRangeOfInstantsIsOlderThanEverything() {
            // Evaluation once threw ArithmeticException (long overflow) for these ages.
            for (String age : List.of("P999999999Y", "P999999999999D", "PT9999999999999H")) {
                assertThat(at(clause("t", "newerThan", age), Flags.NOW.minus(Duration.ofDays(100_000)))).isTrue();
                assertThat(at(clause("t", "olderThan", age), Instant.parse("1970-01-01T00:00:00Z"))).isFalse();
            }
        }

        @Test
        void unparseableInstantsAreFalse() {
            assertThat(holds(atNow, clause("t", "olderThan", "P1D"), "t", "long ago")).isFalse();
            assertThat(holds(atNow, clause("t", "newerThan", "P1D"), "t", false)).isFalse();
        }
    }

    @Nested
    class Exists {
        @Test
        void holdsForAnyPresentValue() {
            assertThat(holds(exists("plan"), "plan", "free")).isTrue();
            assertThat(holds(exists("plan"), "plan", "")).isTrue();
            assertThat(holds(exists("plan"), "plan", false)).isTrue();
            assertThat(holds(exists("plan"), "plan", 0)).isTrue();
        }

        @Test
        void holdsForAnEmptyList() {
            assertThat(holds(exists("roles"), "roles", List.of())).isTrue();
        }

        @Test
        void isFalseForAnAbsentOrNullValue() {
            assertThat(holds(exists("plan"), "other", "x")).isFalse();
            assertThat(holds(exists("plan"), "plan", null)).isFalse();
        }

        @Test
        void mayBeWrittenWithAnEmptyValuesArray() {
            assertThat(holds(Flags.json("{'attribute': 'plan', 'op': 'exists', 'values': []}"), "plan", "x")).isTrue();
        }
    }
}
