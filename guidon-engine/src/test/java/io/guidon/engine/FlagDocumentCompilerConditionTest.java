package io.guidon.engine;

import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.Flags.exists;
import static io.guidon.engine.Flags.inSegment;
import static io.guidon.engine.Flags.json;
import static io.guidon.engine.Flags.not;
import static io.guidon.engine.ValidationErrors.assertOnlyError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Problems in conditions: clauses, operators and their values, segment references, nesting. */
class FlagDocumentCompilerConditionTest {

    private static final String WHEN = "flags.f.rules[0].when";

    /** A document whose flag "f" has one rule with this condition. */
    private static Flags when(JsonNode condition) {
        return Flags.doc().flag("f", f -> f.bool().rule("r", condition, "on"));
    }

    private static Flags when(String relaxedJson) {
        return when(json(relaxedJson));
    }

    @Nested
    class Operators {
        @Test
        void anUnknownOperatorSuggestsTheClosestOne() {
            assertOnlyError(when(clause("country", "inn", "DE")), WHEN + ".op",
                    "unknown operator 'inn' (did you mean 'in'?)");
            assertOnlyError(when(clause("v", "semverGte", "1.0.0")), WHEN + ".op",
                    "unknown operator 'semverGte' (did you mean 'semverGt'?)");
        }

        @Test
        void theSuggestionIgnoresCase() {
            assertOnlyError(when(clause("email", "endswith", "x")), WHEN + ".op",
                    "unknown operator 'endswith' (did you mean 'endsWith'?)");
        }

        @Test
        void nothingIsSuggestedWhenNothingIsClose() {
            var errors = when(clause("a", "greaterThanOrEqual", 1)).errors();
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.path()).isEqualTo(WHEN + ".op");
                assertThat(e.message()).isEqualTo("unknown operator 'greaterThanOrEqual'");
            });
        }

        @Test
        void theOperatorIsRequiredAndAString() {
            assertOnlyError(when("{'attribute': 'a', 'values': ['x']}"), WHEN + ".op", "required");
            assertOnlyError(when("{'attribute': 'a', 'op': 1, 'values': ['x']}"), WHEN + ".op",
                    "must be a string, not a number");
        }
    }

    @Nested
    class Attributes {
        @Test
        void areRequired() {
            assertOnlyError(when("{'op': 'in', 'values': ['x']}"), WHEN + ".attribute", "required");
        }

        @Test
        void areStrings() {
            assertOnlyError(when("{'attribute': ['a'], 'op': 'in', 'values': ['x']}"), WHEN + ".attribute",
                    "must be a string, not an array");
        }

        @Test
        void haveOneTo256Characters() {
            assertOnlyError(when(clause("", "in", "x")), WHEN + ".attribute", "must be 1 to 256 characters");
            assertOnlyError(when(clause("a".repeat(257), "in", "x")), WHEN + ".attribute",
                    "must be 1 to 256 characters");
            assertThat(when(clause("a".repeat(256), "in", "x")).compile()).isNotNull();
        }

        @Test
        void clausesHaveNoOtherFields() {
            assertOnlyError(when("{'attribute': 'a', 'op': 'in', 'values': ['x'], 'value': 'x'}"), WHEN + ".value",
                    "unknown field 'value' (allowed: attribute, op, values)");
        }
    }

    @Nested
    class Values {
        @ParameterizedTest
        @ValueSource(strings = {"in", "notIn", "contains", "startsWith", "endsWith", "matches", "lt", "lte", "gt", "gte",
                "semverEq", "semverLt", "semverGt", "before", "after", "olderThan", "newerThan"})
        void areRequiredAsANonEmptyArray(String op) {
            String message = "required: a non-empty array of values for '" + op + "'";
            assertOnlyError(when("{'attribute': 'a', 'op': '" + op + "'}"), WHEN + ".values", message);
            assertOnlyError(when("{'attribute': 'a', 'op': '" + op + "', 'values': []}"), WHEN + ".values", message);
            assertOnlyError(when("{'attribute': 'a', 'op': '" + op + "', 'values': 'x'}"), WHEN + ".values", message);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "in         | {}       | 'in' takes strings, numbers or booleans, not an empty object",
                "notIn      | null     | 'notIn' takes strings, numbers or booleans, not null",
                "in         | [1]      | 'in' takes strings, numbers or booleans, not an array",
                "contains   | 1        | 'contains' takes strings; this value is a number",
                "startsWith | true     | 'startsWith' takes strings; this value is a boolean",
                "endsWith   | null     | 'endsWith' takes strings; this value is null",
                "matches    | 7        | 'matches' takes strings; this value is a number",
                "lt         | '\"5\"'  | 'lt' compares numbers; this value is a string",
                "lte        | true     | 'lte' compares numbers; this value is a boolean",
                "gt         | []       | 'gt' compares numbers; this value is an empty array",
                "gte        | '\"x\"'  | 'gte' compares numbers; this value is a string",
                "semverEq   | 1        | 'semverEq' takes strings; this value is a number",
                "semverLt   | 1.5      | 'semverLt' takes strings; this value is a number",
                "semverGt   | {}       | 'semverGt' takes strings; this value is an empty object",
                "before     | true     | invalid instant true",
                "after      | 1.5      | invalid instant 1.5",
                "olderThan  | 30       | 'olderThan' takes strings; this value is a number",
                "newerThan  | false    | 'newerThan' takes strings; this value is a boolean"})
        void haveTheTypeTheOperatorTakes(String op, String value, String message) {
            assertOnlyError(when("{'attribute': 'a', 'op': '" + op + "', 'values': [" + value + "]}"),
                    WHEN + ".values[0]", message);
        }

        @Test
        void everyBadValueIsReported() {
            var errors = when("{'attribute': 'a', 'op': 'gt', 'values': ['x', 1, 'y']}").errors();
            assertThat(errors).extracting(ValidationError::path).containsExactly(WHEN + ".values[0]",
                    WHEN + ".values[2]");
        }

        @Test
        void existsTakesNoValues() {
            assertOnlyError(when("{'attribute': 'a', 'op': 'exists', 'values': ['x']}"), WHEN + ".values",
                    "exists takes no values");
            assertOnlyError(when("{'attribute': 'a', 'op': 'exists', 'values': 'x'}"), WHEN + ".values",
                    "exists takes no values");
            assertThat(when(exists("a")).compile()).isNotNull();
        }
    }

    @Nested
    class OperatorValues {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "(unclosed | invalid regular expression: missing closing ) in '(unclosed'",
                "[a-       | invalid regular expression",
                "(a)\\\\1  | invalid regular expression",
                "(?<=a)b   | invalid regular expression"})
        void regularExpressionsMustBeValidRe2(String pattern, String message) {
            // Backreferences and lookbehind are not RE2: they could take exponential time.
            assertOnlyError(when(clause("email", "matches", pattern.replace("\\\\", "\\"))), WHEN + ".values[0]",
                    message);
        }

        @ParameterizedTest
        @ValueSource(strings = {"4.x", "1.2", "v1.2.3", " 1.2.3", "01.2.3", "1.2.3.4", "latest", ""})
        void versionsMustBeStrictSemver(String version) {
            assertOnlyError(when(clause("appVersion", "semverGt", version)), WHEN + ".values[0]",
                    "invalid semantic version '" + version + "' (expected MAJOR.MINOR.PATCH");
        }

        @Test
        void versionsWithPrereleaseAndBuildAreFine() {
            assertThat(when(clause("v", "semverEq", "2.0.0-beta.1+exp.sha.5114f85")).compile()).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"2025-13-01", "2025-02-30", "yesterday", "2025-03-01T25:00:00Z", "1740830400000",
                "03/01/2025"})
        void instantsMustBeIso8601(String instant) {
            assertOnlyError(when(clause("signupDate", "before", instant)), WHEN + ".values[0]",
                    "invalid instant \"" + instant + "\" (expected ISO-8601 such as 2025-03-01T00:00:00Z, "
                            + "or epoch milliseconds)");
        }

        @Test
        void instantsMayBeEpochMillisDatesOrDateTimes() {
            assertThat(when(clause("t", "after", 1740830400000L, "2025-03-01", "2025-03-01T12:00:00",
                    "2025-03-01T12:00:00+01:00")).compile()).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"30 days", "30D", "P", "P1Y2DT3H", "PT", "1h", ""})
        void durationsMustBeIso8601(String duration) {
            assertOnlyError(when(clause("signupDate", "olderThan", duration)), WHEN + ".values[0]",
                    "invalid ISO-8601 duration '" + duration + "' (such as P30D, PT12H, P2W or P1Y)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"-P1D", "PT-12H", "P-1M", "-P1Y", "P1Y-1M"})
        void durationsMustNotBeNegative(String duration) {
            assertOnlyError(when(clause("signupDate", "newerThan", duration)), WHEN + ".values[0]",
                    "a duration must not be negative: '" + duration + "'");
        }

        @Test
        void durationsAndPeriodsOfEveryUnitAreFine() {
            assertThat(when(clause("t", "olderThan", "P30D", "PT12H", "PT90M", "P1DT12H", "P2W", "P1M", "P1Y2M3D",
                    "PT0S")).compile()).isNotNull();
        }
    }

    @Nested
    class Segments {
        @Test
        void mustExist() {
            Flags doc = Flags.doc().segment("beta", s -> s.included("u1"))
                    .flag("f", f -> f.bool().rule("r", inSegment("ghosts"), "on"));
            assertOnlyError(doc, WHEN + ".segment", "unknown segment 'ghosts' (defined: beta)");
        }

        @Test
        void mustExistEvenWhenThereAreNone() {
            var errors = when(inSegment("ghosts")).errors();
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.path()).isEqualTo(WHEN + ".segment");
                assertThat(e.message()).isEqualTo("unknown segment 'ghosts'");
            });
        }

        @Test
        void areReferencedByKey() {
            assertOnlyError(when("{'segment': ['beta']}"), WHEN + ".segment", "must be a segment key, not an array");
        }

        @Test
        void referencedFromSegmentsMustExist() {
            assertOnlyError(Flags.doc().segment("a", s -> s.rule(inSegment("b"))), "segments.a.rules[0].segment",
                    "unknown segment 'b'");
        }

        @Test
        void mustNotReferenceThemselves() {
            assertOnlyError(Flags.doc().segment("a", s -> s.rule(not(inSegment("a")))),
                    "segments.a.rules[0].not.segment",
                    "segments reference each other in a cycle: a -> a");
        }

        @Test
        void mustNotFormACycleWhichIsReportedOnce() {
            Flags doc = Flags.doc()
                    .segment("a", s -> s.rule(inSegment("b")))
                    .segment("b", s -> s.rule(Flags.all(exists("x"), inSegment("c"))))
                    .segment("c", s -> s.rule(inSegment("a")));
            assertOnlyError(doc, "segments.a.rules[0].segment",
                    "segments reference each other in a cycle: a -> b -> c -> a");
        }
    }

    @Nested
    class Structure {
        @Test
        void aConditionIsAnObject() {
            assertOnlyError(when("'country == DE'"), WHEN,
                    "a condition must be an object ({\"all\": [...]}, {\"any\": [...]}, {\"not\": ...}, "
                            + "{\"segment\": ...} or a clause {\"attribute\", \"op\", \"values\"}), not a string");
        }

        @Test
        void aConditionHasExactlyOneKind() {
            assertOnlyError(when("{'all': [{'attribute': 'a', 'op': 'exists'}], "
                            + "'any': [{'attribute': 'b', 'op': 'exists'}]}"),
                    WHEN, "a condition has exactly one of all, any, not, segment or a clause; "
                            + "found both 'all' and 'any'");
            assertOnlyError(when("{'not': {'attribute': 'a', 'op': 'exists'}, 'segment': 's'}"), WHEN,
                    "found both 'not' and 'segment'");
        }

        @Test
        void aConditionHasAKind() {
            assertOnlyError(when("{}"), WHEN, "a condition needs one of all, any, not, segment or a clause "
                    + "{\"attribute\", \"op\", \"values\"}; found an empty object");
            assertOnlyError(when("{'when': {}}"), WHEN, "found fields [when]");
        }

        @Test
        void aKindHasNoOtherFields() {
            assertOnlyError(when("{'not': {'attribute': 'a', 'op': 'exists'}, 'comment': 'x'}"), WHEN + ".comment",
                    "unknown field 'comment' (allowed: not)");
        }

        @Test
        void allAndAnyTakeANonEmptyArray() {
            assertOnlyError(when("{'all': []}"), WHEN + ".all",
                    "must be a non-empty array of conditions, not an empty array");
            assertOnlyError(when("{'any': {'attribute': 'a', 'op': 'exists'}}"), WHEN + ".any",
                    "must be a non-empty array of conditions, not an object");
        }

        @Test
        void problemsInsideNestedConditionsHaveFullPaths() {
            assertOnlyError(when("{'any': [{'attribute': 'a', 'op': 'exists'}, "
                            + "{'not': {'all': [{'attribute': 'b', 'op': 'exists'}, "
                            + "{'attribute': 'c', 'op': 'inn', 'values': [1]}]}}]}"),
                    WHEN + ".any[1].not.all[1].op", "unknown operator 'inn'");
        }

        @Test
        void conditionsNestAtMost32Levels() {
            JsonNode deepest = exists("a");
            for (int i = 0; i < FlagDocumentCompiler.MAX_CONDITION_DEPTH - 1; i++) {
                deepest = not(deepest);
            }
            assertThat(when(deepest).compile()).isNotNull();

            JsonNode tooDeep = not(deepest);
            assertOnlyError(when(tooDeep), WHEN + ".not".repeat(32), "conditions nest deeper than 32 levels");
        }

        @Test
        void segmentRulesNestAtMost32LevelsToo() {
            JsonNode nested = exists("a");
            for (int i = 0; i < FlagDocumentCompiler.MAX_CONDITION_DEPTH; i++) {
                nested = Flags.all(nested);
            }
            JsonNode tooDeep = nested;
            assertOnlyError(Flags.doc().segment("s", s -> s.rule(tooDeep)),
                    "segments.s.rules[0]" + ".all[0]".repeat(32), "conditions nest deeper than 32 levels");
        }
    }
}
