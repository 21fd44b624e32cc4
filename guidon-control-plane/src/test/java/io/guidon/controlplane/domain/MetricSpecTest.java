package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.stats.Direction;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reading a metric's body: good ones of each kind with their defaults, and every kind of bad input reported at its
 * own JSON Pointer with words that say what was expected, all at once.
 */
class MetricSpecTest {

    private static JsonNode json(String text) {
        return StoredJson.parse(text.replace('\'', '"'));
    }

    /** The violations of {@code body} as pointer → message. */
    private static Map<String, String> violations(String body, String urlKey) {
        MetricSpec.Parsed parsed = MetricSpec.parse(json(body), urlKey);
        assertThat(parsed.spec()).as("a body with violations gives no spec").isNull();
        return parsed.violations().stream().collect(Collectors.toMap(v -> v.where().toString(), Violation::message,
                (a, b) -> a + " | " + b));
    }

    private static Map<String, String> violations(String body) {
        return violations(body, null);
    }

    @Test
    void aProportionIsReadWithItsDefaults() {
        MetricSpec.Parsed p = MetricSpec.parse(json("{'key': 'checkout-rate', 'name': 'Checkout rate', 'kind':"
                + " 'proportion', 'event': 'checkout', 'direction': 'higher_is_better'}"), null);

        assertThat(p.violations()).isEmpty();
        assertThat(p.spec()).isEqualTo(new MetricSpec("checkout-rate", "Checkout rate", "",
                MetricSpec.Kind.PROPORTION, "checkout", MetricSpec.Source.COUNT, null, null, null,
                Direction.HIGHER_IS_BETTER, null));
    }

    @Test
    void aCappedRatioWithAWindowIsReadWhole() {
        MetricSpec.Parsed p = MetricSpec.parse(json("{'key': 'aov', 'name': 'Order value', 'description': 'd',"
                + " 'kind': 'ratio', 'event': 'purchase', 'valueSource': 'value', 'denominatorEvent': 'order:placed',"
                + " 'denominatorSource': 'count', 'window': 'P7D', 'direction': 'higher_is_better',"
                + " 'cap': {'kind': 'percentile', 'value': 0.99}}"), null);

        assertThat(p.violations()).isEmpty();
        MetricSpec s = p.spec();
        assertThat(s.kind()).isEqualTo(MetricSpec.Kind.RATIO);
        assertThat(s.valueSource()).isEqualTo(MetricSpec.Source.VALUE);
        assertThat(s.denominatorEvent()).isEqualTo("order:placed");
        assertThat(s.denominatorSource()).isEqualTo(MetricSpec.Source.COUNT);
        assertThat(s.window()).isEqualTo(Duration.ofDays(7));
        assertThat(s.cap()).isEqualTo(new MetricSpec.Cap(MetricSpec.CapKind.PERCENTILE, 0.99));
    }

    @Test
    void aPutMayLeaveTheKeyOutOrRepeatItButNotChangeIt() {
        String body = "{'name': 'N', 'kind': 'mean', 'event': 'e', 'direction': 'lower_is_better'}";
        assertThat(MetricSpec.parse(json(body), "latency").spec().key()).isEqualTo("latency");
        assertThat(MetricSpec.parse(json(body.replace("{", "{'key': 'latency', ")), "latency").spec().key())
                .isEqualTo("latency");

        assertThat(violations(body.replace("{", "{'key': 'other', "), "latency"))
                .containsOnlyKeys("/key").extractingByKey("/key").asString().contains("cannot be changed");
    }

    @Test
    void everyMissingRequiredFieldIsReportedAtOnce() {
        Map<String, String> v = violations("{}");

        assertThat(v).containsOnlyKeys("/key", "/name", "/kind", "/event", "/direction");
        assertThat(v.get("/kind")).startsWith("required: one of proportion, mean or ratio");
        assertThat(v.get("/direction")).startsWith("required: one of lower_is_better or higher_is_better");
    }

    @Test
    void unknownFieldsMalformedKeysAndMarkupAreRefusedAtTheirPointers() {
        Map<String, String> v = violations("{'key': 'Bad Key', 'name': '<b>x</b>', 'description': 7, 'kind': 'sum',"
                + " 'event': 'e', 'direction': 'up', 'colour': 1}");

        assertThat(v).containsOnlyKeys("/key", "/name", "/description", "/kind", "/direction", "/colour");
        assertThat(v.get("/key")).contains("1 to 128 of a-z").contains("'Bad Key'");
        assertThat(v.get("/name")).contains("plain text");
        assertThat(v.get("/description")).isEqualTo("must be a string, not 7");
        assertThat(v.get("/kind")).endsWith("not 'sum'");
        assertThat(v.get("/colour")).startsWith("unknown field (allowed: cap, denominatorEvent,");
    }

    @Test
    void anEventNameTheSidecarWouldRefuseIsRefusedSayingWhy() {
        Map<String, String> v = violations("{'key': 'k', 'name': 'N', 'kind': 'ratio', 'event': 'has space',"
                + " 'denominatorEvent': '-lead', 'denominatorSource': 'count', 'direction': 'higher_is_better'}");

        assertThat(v).containsOnlyKeys("/event", "/denominatorEvent");
        assertThat(v.get("/event")).startsWith("must be an event name").contains("POST /v1/track");
        assertThat(v.get("/denominatorEvent")).contains("starting with a letter or digit");
    }

    @Test
    void aRatioNeedsItsDenominatorAndNoOtherKindTakesOne() {
        assertThat(violations("{'key': 'k', 'name': 'N', 'kind': 'ratio', 'event': 'e', 'direction':"
                + " 'higher_is_better'}")).containsOnlyKeys("/denominatorEvent", "/denominatorSource");
        Map<String, String> mean = violations("{'key': 'k', 'name': 'N', 'kind': 'mean', 'event': 'e',"
                + " 'denominatorEvent': 'd', 'denominatorSource': 'value', 'direction': 'higher_is_better'}");
        assertThat(mean).containsOnlyKeys("/denominatorEvent", "/denominatorSource");
        assertThat(mean.get("/denominatorEvent")).isEqualTo("only for a ratio metric, not a mean");
    }

    @Test
    void aProportionTakesNoValueSourceAndNoCap() {
        Map<String, String> v = violations("{'key': 'k', 'name': 'N', 'kind': 'proportion', 'event': 'e',"
                + " 'valueSource': 'value', 'direction': 'higher_is_better', 'cap': {'kind': 'fixed', 'value': 3}}");

        assertThat(v).containsOnlyKeys("/valueSource", "/cap");
        assertThat(v.get("/cap")).contains("0 or 1");
    }

    @Test
    void windowsAreIsoDurationsOfWholeSecondsUpToAYearAndADay() {
        String body = "{'key': 'k', 'name': 'N', 'kind': 'mean', 'event': 'e', 'direction': 'higher_is_better',"
                + " 'window': %s}";
        assertThat(violations(body.formatted("'7 days'")).get("/window")).contains("ISO-8601 duration");
        assertThat(violations(body.formatted("'PT0.5S'")).get("/window")).contains("whole seconds");
        assertThat(violations(body.formatted("'PT0S'")).get("/window")).contains("from 1 second");
        assertThat(violations(body.formatted("'P367D'")).get("/window")).contains("366 days");
        assertThat(violations(body.formatted("60")).get("/window")).contains("not 60");
        assertThat(MetricSpec.parse(json(body.formatted("'P366D'")), null).spec().window())
                .isEqualTo(Duration.ofDays(366));
    }

    @Test
    void capsAreAPercentileInsideZeroToOneOrAFixedValueAboveZero() {
        String body = "{'key': 'k', 'name': 'N', 'kind': 'mean', 'event': 'e', 'direction': 'higher_is_better',"
                + " 'cap': %s}";
        assertThat(violations(body.formatted("{'kind': 'percentile', 'value': 1}"))).containsOnlyKeys("/cap/value");
        assertThat(violations(body.formatted("{'kind': 'percentile', 'value': 0}"))).containsOnlyKeys("/cap/value");
        assertThat(violations(body.formatted("{'kind': 'fixed', 'value': -1}")).get("/cap/value"))
                .contains("above 0");
        assertThat(violations(body.formatted("{'kind': 'fixed'}")).get("/cap/value")).startsWith("required");
        assertThat(violations(body.formatted("{'kind': 'top', 'value': 1, 'x': 2}")))
                .containsOnlyKeys("/cap/kind", "/cap/x");
        assertThat(violations(body.formatted("0.99")).get("/cap")).startsWith("must be an object");
        assertThat(MetricSpec.parse(json(body.formatted("{'kind': 'fixed', 'value': 250}")), null).spec().cap())
                .isEqualTo(new MetricSpec.Cap(MetricSpec.CapKind.FIXED, 250));
    }

    @Test
    void aBlankOrOverlongNameIsRefused() {
        String body = "{'key': 'k', 'name': %s, 'kind': 'mean', 'event': 'e', 'direction': 'higher_is_better'}";
        assertThat(violations(body.formatted("'  '")).get("/name")).isEqualTo("must not be empty");
        assertThat(violations(body.formatted("'" + "n".repeat(201) + "'")).get("/name"))
                .isEqualTo("must be at most 200 characters, not 201");
    }

    @Test
    void aBodyThatIsNotAnObjectIsOneViolationAtTheRoot() {
        assertThat(violations("[1]")).containsOnlyKeys("");
    }
}
