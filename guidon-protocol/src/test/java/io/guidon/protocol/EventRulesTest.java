package io.guidon.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.engine.FlagDocumentCompiler;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The rules of what an event may contain, each at its edges, and their agreement with the engine and settings. */
class EventRulesTest {

    @Test
    void aTargetingKeyIsOneTo256CharactersWithoutNulOrAnUnpairedSurrogate() {
        assertThat(EventRules.targetingKey("u")).isNull();
        assertThat(EventRules.targetingKey("k".repeat(256))).isNull();
        assertThat(EventRules.targetingKey("\ud83d\ude00 émoji")).isNull();
        assertThat(EventRules.targetingKey("")).isEqualTo(EventRules.Problem.EMPTY);
        assertThat(EventRules.targetingKey("k".repeat(257))).isEqualTo(EventRules.Problem.TOO_LONG);
        // Issue 9's example: an evaluation whose targetingKey is 300 characters long.
        assertThat(EventRules.targetingKey("k".repeat(300))).isEqualTo(EventRules.Problem.TOO_LONG);
        assertThat(EventRules.Problem.TOO_LONG.describe("k".repeat(300)))
                .isEqualTo("must be at most 256 characters, not 300");
        assertThat(EventRules.targetingKey("a\u0000b")).isEqualTo(EventRules.Problem.NUL);
        assertThat(EventRules.targetingKey("a\ud800")).isEqualTo(EventRules.Problem.UNPAIRED_SURROGATE);
        assertThat(EventRules.targetingKey("\ud800b")).isEqualTo(EventRules.Problem.UNPAIRED_SURROGATE);
        assertThat(EventRules.targetingKey("\udc00")).isEqualTo(EventRules.Problem.UNPAIRED_SURROGATE);
        assertThat(EventRules.targetingKey("\ude00\ud83d")).isEqualTo(EventRules.Problem.UNPAIRED_SURROGATE);
    }

    @Test
    void aTargetingKeysLengthIsCountedInCharactersAsPostgresCountsThemNotInUtf16Units() {
        // FINDINGS 10: 200 emoji were refused as "at most 256 characters, not 400".
        String emoji = "\ud83d\ude00";
        assertThat(EventRules.targetingKey(emoji.repeat(200))).isNull();
        assertThat(EventRules.targetingKey(emoji.repeat(256))).isNull();
        assertThat(EventRules.targetingKey("k".repeat(255) + emoji)).isNull();
        assertThat(EventRules.targetingKey(emoji.repeat(257))).isEqualTo(EventRules.Problem.TOO_LONG);
        assertThat(EventRules.targetingKey("k".repeat(256) + emoji)).isEqualTo(EventRules.Problem.TOO_LONG);
        assertThat(EventRules.Problem.TOO_LONG.describe(emoji.repeat(257)))
                .isEqualTo("must be at most 256 characters, not 257");
        // Whole characters are counted only once the text is known to be whole: a lone surrogate is that problem.
        assertThat(EventRules.targetingKey(emoji.repeat(300) + "\ud800")).isEqualTo(
                EventRules.Problem.UNPAIRED_SURROGATE);
        assertThat(EventRules.targetingKey("k".repeat(300) + "\u0000")).isEqualTo(EventRules.Problem.NUL);
    }

    @Test
    void eventNamesFlagKeysAndVariantNamesFollowTheirPatterns() {
        assertThat(EventRules.eventName("checkout-completed")).isNull();
        assertThat(EventRules.eventName("a:b/c.d_e-f")).isNull();
        assertThat(EventRules.eventName("e".repeat(128))).isNull();
        assertThat(EventRules.eventName("e".repeat(129))).isEqualTo(EventRules.Problem.NOT_AN_EVENT_NAME);
        assertThat(EventRules.eventName("sign up")).isEqualTo(EventRules.Problem.NOT_AN_EVENT_NAME);
        assertThat(EventRules.eventName("-x")).isEqualTo(EventRules.Problem.NOT_AN_EVENT_NAME);
        assertThat(EventRules.eventName("")).isEqualTo(EventRules.Problem.NOT_AN_EVENT_NAME);
        assertThat(EventRules.flagKey("new-checkout")).isNull();
        assertThat(EventRules.flagKey("New")).isEqualTo(EventRules.Problem.NOT_A_FLAG_KEY);
        assertThat(EventRules.variantName("On")).isNull();
        assertThat(EventRules.variantName("o n")).isEqualTo(EventRules.Problem.NOT_A_VARIANT_NAME);
    }

    @Test
    void aValueIsAFiniteDoubleThatDidNotUnderflow() {
        // Issue 9's example: "value": 1e400 parses to infinity.
        assertThat(EventRules.value(Double.parseDouble("1e400"))).isEqualTo(EventRules.Problem.NOT_FINITE);
        assertThat(EventRules.value("1e400", Double.parseDouble("1e400"))).isEqualTo(EventRules.Problem.NOT_FINITE);
        assertThat(EventRules.value(Double.NaN)).isEqualTo(EventRules.Problem.NOT_FINITE);
        assertThat(EventRules.value(-Double.MAX_VALUE)).isNull();
        assertThat(EventRules.value("1e-400", 0.0)).isEqualTo(EventRules.Problem.UNDERFLOW);
        assertThat(EventRules.value("-0.0001e-400", 0.0)).isEqualTo(EventRules.Problem.UNDERFLOW);
        assertThat(EventRules.value("0.000e-400", 0.0)).isNull();
        assertThat(EventRules.value("0", 0.0)).isNull();
        assertThat(EventRules.value("4.9e-324", 4.9e-324)).isNull();
    }

    @Test
    void countsMinutesAndTimes() {
        assertThat(EventRules.count(1)).isNull();
        assertThat(EventRules.count(EventRules.MAX_COUNT)).isNull();
        assertThat(EventRules.count(0)).isEqualTo(EventRules.Problem.COUNT_OUT_OF_RANGE);
        assertThat(EventRules.count(EventRules.MAX_COUNT + 1)).isEqualTo(EventRules.Problem.COUNT_OUT_OF_RANGE);
        assertThat(EventRules.minute(Instant.parse("2026-11-26T10:14:00Z"))).isNull();
        assertThat(EventRules.minute(Instant.parse("2026-11-26T10:14:00.001Z")))
                .isEqualTo(EventRules.Problem.NOT_A_MINUTE);
        long now = Instant.parse("2026-11-26T10:15:00Z").toEpochMilli();
        // Issue 9's example: POST /v1/track {..., "timestamp": "2020-01-01T00:00:00Z"}.
        assertThat(EventRules.sidecarTime(Instant.parse("2020-01-01T00:00:00Z").toEpochMilli(), now))
                .isEqualTo(EventRules.Problem.TOO_OLD);
        assertThat(EventRules.sidecarTime(now - EventRules.SIDECAR_MAX_AGE.toMillis(), now)).isNull();
        assertThat(EventRules.sidecarTime(now - EventRules.SIDECAR_MAX_AGE.toMillis() - 1, now))
                .isEqualTo(EventRules.Problem.TOO_OLD);
        assertThat(EventRules.sidecarTime(now + EventRules.SIDECAR_MAX_AHEAD.toMillis(), now)).isNull();
        assertThat(EventRules.sidecarTime(now + EventRules.SIDECAR_MAX_AHEAD.toMillis() + 1, now))
                .isEqualTo(EventRules.Problem.IN_FUTURE);
    }

    @Property(tries = 3000)
    void flagKeysAndVariantNamesAreWhatTheEngineAccepts(@ForAll("names") String s) {
        assertThat(EventRules.flagKey(s) == null).as(s).isEqualTo(FlagDocumentCompiler.KEY.matcher(s).matches());
        assertThat(EventRules.variantName(s) == null).as(s)
                .isEqualTo(FlagDocumentCompiler.NAME.matcher(s).matches());
        assertThat(EventRules.eventName(s) == null).as(s)
                .isEqualTo(s.matches("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}"));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZ09._-:/ A").ofMinLength(0).ofMaxLength(130),
                Arbitraries.strings().withChars("abc").ofMinLength(126).ofMaxLength(130),
                Arbitraries.strings().all().ofMaxLength(10));
    }
}
