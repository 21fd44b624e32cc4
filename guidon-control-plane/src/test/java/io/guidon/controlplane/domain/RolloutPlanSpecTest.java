package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.stats.Direction;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading a rollout plan's body: a good one with its defaults, and every kind of bad input reported at its own field
 * path with words that say what was expected, all at once (nothing is half-read).
 */
class RolloutPlanSpecTest {

    private static JsonNode json(String text) {
        return StoredJson.parse(text.replace('\'', '"'));
    }

    private static final String GOOD = "{'control': 'off', 'treatment': 'on', 'stages': ["
            + "{'percentage': 1, 'minDuration': 'PT1H', 'minExposures': 100},"
            + "{'percentage': 12.5, 'minDuration': 'P1D', 'minExposures': 0},"
            + "{'percentage': 100, 'minDuration': 'PT0S', 'minExposures': 5000}],"
            + " 'guardrails': [{'event': 'error', 'kind': 'rate', 'maxDegradation': 0.1},"
            + " {'event': 'latency_ms', 'kind': 'mean', 'direction': 'lower_is_better', 'maxDegradation': 50,"
            + " 'scale': 'absolute'},"
            + " {'event': 'purchase', 'kind': 'rate', 'direction': 'higher_is_better', 'maxDegradation': 0}]}";

    /** The violations of {@code body} as path → message. */
    private static Map<String, String> violations(String body) {
        RolloutPlanSpec.Parsed parsed = RolloutPlanSpec.parse(json(body));
        assertThat(parsed.spec()).as("a body with violations gives no spec").isNull();
        return parsed.violations().stream().collect(Collectors.toMap(v -> v.where().toString(), Violation::message,
                (a, b) -> a + " | " + b));
    }

    private static String with(String field, String value) {
        return GOOD.replaceFirst("\\{'control'", "{'" + field + "': " + value + ", 'control'");
    }

    @Test
    void aGoodPlanIsReadWithItsStagesGuardrailsAndDefaults() {
        RolloutPlanSpec.Parsed parsed = RolloutPlanSpec.parse(json(GOOD));

        assertThat(parsed.violations()).isEmpty();
        RolloutPlanSpec spec = parsed.spec();
        assertThat(spec.control()).isEqualTo("off");
        assertThat(spec.treatment()).isEqualTo("on");
        assertThat(spec.alpha()).as("the default false-alarm rate").isEqualTo(0.05);
        assertThat(spec.bucketBy()).isNull();
        assertThat(spec.stages()).containsExactly(
                new RolloutPlanSpec.Stage(new BigDecimal("1"), Duration.ofHours(1), 100),
                new RolloutPlanSpec.Stage(new BigDecimal("12.5"), Duration.ofDays(1), 0),
                new RolloutPlanSpec.Stage(new BigDecimal("100"), Duration.ZERO, 5000));
        assertThat(spec.guardrails()).containsExactly(
                new RolloutPlanSpec.Guardrail("error", RolloutPlanSpec.Kind.RATE, Direction.LOWER_IS_BETTER, 0.1,
                        true),
                new RolloutPlanSpec.Guardrail("latency_ms", RolloutPlanSpec.Kind.MEAN, Direction.LOWER_IS_BETTER,
                        50, false),
                new RolloutPlanSpec.Guardrail("purchase", RolloutPlanSpec.Kind.RATE, Direction.HIGHER_IS_BETTER, 0,
                        true));
    }

    @Test
    void theStoredFormReadsBackToTheSameSpec() {
        RolloutPlanSpec spec = RolloutPlanSpec.parse(json(with("alpha", "0.01").replace("'control'",
                "'bucketBy': 'accountId', 'control'"))).spec();

        RolloutPlanSpec back = RolloutPlanSpec.stored(spec.control(), spec.treatment(),
                StoredJson.parse(StoredJson.write(spec.stagesJson())),
                StoredJson.parse(StoredJson.write(spec.guardrailsJson())), spec.alpha(), spec.bucketBy());

        assertThat(back).isEqualTo(spec);
        assertThat(StoredJson.write(spec.stagesJson())).contains("\"percentage\":12.5");
    }

    @Test
    void aPlanWithoutGuardrailsIsAllowed() {
        RolloutPlanSpec.Parsed parsed = RolloutPlanSpec.parse(json("{'control': 'a', 'treatment': 'b', 'stages':"
                + " [{'percentage': 50, 'minDuration': 'PT1M', 'minExposures': 10}]}"));

        assertThat(parsed.violations()).isEmpty();
        assertThat(parsed.spec().guardrails()).isEmpty();
    }

    @Test
    void missingTopLevelFieldsAreEachNamed() {
        Map<String, String> v = violations("{}");

        assertThat(v).containsOnlyKeys("/control", "/treatment", "/stages");
        assertThat(v.get("/control")).startsWith("required");
        assertThat(v.get("/stages")).startsWith("required").contains("minDuration");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedAtTheRoot() {
        RolloutPlanSpec.Parsed parsed = RolloutPlanSpec.parse(json("[1]"));

        assertThat(parsed.spec()).isNull();
        assertThat(parsed.violations()).extracting(x -> x.where().toString()).containsExactly("");
    }

    @Test
    void unknownFieldsAreNamedWhereTheyAre() {
        Map<String, String> v = violations(GOOD.replace("'minExposures': 100}", "'minExposures': 100, 'weight': 1}")
                .replace("'maxDegradation': 0.1}", "'maxDegradation': 0.1, 'threshold': 2}")
                .replace("{'control'", "{'owner': 'me', 'control'"));

        assertThat(v).containsOnlyKeys("/owner", "/stages/0/weight", "/guardrails/0/threshold");
        assertThat(v.get("/stages/0/weight")).contains("unknown field").contains("minDuration");
    }

    @Test
    void controlAndTreatmentMustDiffer() {
        Map<String, String> v = violations(GOOD.replace("'treatment': 'on'", "'treatment': 'off'"));

        assertThat(v).containsOnlyKeys("/treatment");
        assertThat(v.get("/treatment")).contains("must differ from control");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "control    | 3      | /control    | printable ASCII",
        "control    | ''     | /control    | printable ASCII",
        "treatment  | null   | /treatment  | required",
        "bucketBy   | {}     | /bucketBy   | an object",
        "alpha      | 0      | /alpha      | above 0 and at most 0.5",
        "alpha      | 0.6    | /alpha      | above 0 and at most 0.5",
        "alpha      | '0.05' | /alpha      | not '0.05'",
        "stages     | []     | /stages     | 1 to 20 stages, not a list of 0",
        "stages     | {}     | /stages     | 1 to 20 stages, not an object",
        "guardrails | {}     | /guardrails | at most 10 guardrails",
    })
    void aMistypedTopLevelFieldIsReportedAtItsPath(String field, String value, String path, String words) {
        com.fasterxml.jackson.databind.node.ObjectNode body = (com.fasterxml.jackson.databind.node.ObjectNode)
                json(GOOD);
        body.set(field, json(value));

        RolloutPlanSpec.Parsed parsed = RolloutPlanSpec.parse(body);

        assertThat(parsed.spec()).isNull();
        assertThat(parsed.violations()).anySatisfy(v -> {
            assertThat(v.where().toString()).isEqualTo(path);
            assertThat(v.message()).contains(words);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "'percentage': 0                    | /stages/0/percentage   | above 0 and at most 100",
        "'percentage': -5                   | /stages/0/percentage   | above 0 and at most 100",
        "'percentage': 100.5                | /stages/0/percentage   | above 0 and at most 100",
        "'percentage': 0.0001               | /stages/0/percentage   | at most three decimals",
        "'percentage': '5'                  | /stages/0/percentage   | must be a number",
        "'minDuration': '1h'                | /stages/0/minDuration  | ISO-8601 duration",
        "'minDuration': 3600                | /stages/0/minDuration  | ISO-8601 duration",
        "'minDuration': '-PT1H'             | /stages/0/minDuration  | at least 0",
        "'minDuration': 'P400D'             | /stages/0/minDuration  | at most 366 days",
        "'minExposures': -1                 | /stages/0/minExposures | whole number from 0",
        "'minExposures': 1.5                | /stages/0/minExposures | whole number from 0",
    })
    void aBadStageFieldIsReportedAtItsPath(String replacement, String path, String words) {
        String field = replacement.substring(1, replacement.indexOf('\'', 1));
        String body = GOOD.replaceFirst("'" + field + "': [^,}]+", replacement);
        Map<String, String> v = violations(body);

        assertThat(v).containsKey(path);
        assertThat(v.get(path)).contains(words);
    }

    @Test
    void stagesMustIncrease() {
        Map<String, String> v = violations(GOOD.replace("'percentage': 12.5", "'percentage': 1"));

        assertThat(v).containsOnlyKeys("/stages/1/percentage");
        assertThat(v.get("/stages/1/percentage")).contains("above the previous stage's (1)");
    }

    @Test
    void aStageThatIsNotAnObjectIsNamed() {
        Map<String, String> v = violations(GOOD.replace("{'percentage': 12.5, 'minDuration': 'P1D', 'minExposures': 0}",
                "5"));

        assertThat(v).containsOnlyKeys("/stages/1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "'event': 'error'             | 'event': 7                 | /guardrails/0/event          | printable ASCII",
        "'event': 'error'             | 'event': null              | /guardrails/0/event          | required",
        "'kind': 'rate'               | 'kind': 'count'            | /guardrails/0/kind           | rate or mean",
        "'maxDegradation': 0.1}       | 'maxDegradation': -0.1}    | /guardrails/0/maxDegradation | from 0 to 1000000000000",
        "'maxDegradation': 0.1}       | 'maxDegradation': 'ten'}   | /guardrails/0/maxDegradation | from 0 to",
        "'maxDegradation': 0.1}       | 'maxDegradation': 1e13}    | /guardrails/0/maxDegradation | from 0 to 1000000000000, not",
        "'maxDegradation': 0.1}       | 'scale': 'relative'}       | /guardrails/0/maxDegradation | required",
        "'direction': 'lower_is_better' | 'direction': 'down'      | /guardrails/1/direction      | lower_is_better",
        "'scale': 'absolute'          | 'scale': 'percent'         | /guardrails/1/scale          | relative",
        "'maxDegradation': 50         | 'maxDegradation': 0        | /guardrails/1/maxDegradation | above 0 for",
    })
    void aBadGuardrailFieldIsReportedAtItsPath(String good, String bad, String path, String words) {
        Map<String, String> v = violations(GOOD.replaceFirst(java.util.regex.Pattern.quote(good),
                java.util.regex.Matcher.quoteReplacement(bad)));

        assertThat(v).containsKey(path);
        assertThat(v.get(path)).contains(words);
    }

    @Test
    void everyViolationIsReportedAtOnce() {
        Map<String, String> v = violations("{'control': 'a', 'treatment': 'a', 'alpha': 2, 'stages': ["
                + "{'percentage': 50, 'minDuration': 'soon', 'minExposures': -3}, {'percentage': 40}],"
                + " 'guardrails': [{'kind': 'median', 'maxDegradation': -1}]}");

        assertThat(v).containsOnlyKeys("/treatment", "/alpha", "/stages/0/minDuration", "/stages/0/minExposures",
                "/stages/1/percentage", "/stages/1/minDuration", "/stages/1/minExposures", "/guardrails/0/event",
                "/guardrails/0/kind", "/guardrails/0/maxDegradation");
    }

    @Test
    void tooManyStagesOrGuardrailsAreRefused() {
        String stage = "{'percentage': %d, 'minDuration': 'PT1M', 'minExposures': 0}";
        String stages = java.util.stream.IntStream.rangeClosed(1, 21).mapToObj(i -> String.format(stage, i))
                .collect(Collectors.joining(","));
        String guardrail = "{'event': 'e', 'kind': 'rate', 'maxDegradation': 0.1}";
        String guardrails = String.join(",", java.util.Collections.nCopies(11, guardrail));

        Map<String, String> v = violations("{'control': 'a', 'treatment': 'b', 'stages': [" + stages + "],"
                + " 'guardrails': [" + guardrails + "]}");

        assertThat(v).containsOnlyKeys("/stages", "/guardrails");
        assertThat(List.of(v.get("/stages"), v.get("/guardrails"))).allMatch(m -> m.contains("at most")
                || m.contains("1 to 20"));
    }

    @Test
    void aGuardrailOnTheSameEventAndKindAsAnEarlierOneIsRefusedAtItsEvent() {
        String body = GOOD.replace("{'event': 'purchase', 'kind': 'rate'", "{'event': 'error', 'kind': 'rate'");

        assertThat(violations(body)).containsOnlyKeys("/guardrails/2/event")
                .containsValue("repeats guardrails/0 (event error, kind rate): watch each event and kind once");
        assertThat(RolloutPlanSpec.parse(json(GOOD.replace("{'event': 'purchase', 'kind': 'rate'",
                "{'event': 'error', 'kind': 'mean'"))).violations())
                .as("the same event as a mean is another question").isEmpty();
    }
}
