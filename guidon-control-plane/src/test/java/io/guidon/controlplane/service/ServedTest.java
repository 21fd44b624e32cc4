package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.StoredJson;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-line summary of what a flag serves in an environment, from its stored configuration. */
class ServedTest {

    private static Served on(String fallthrough) {
        return Served.of(true, "off", StoredJson.parse(fallthrough));
    }

    @Test
    void anOffFlagServesItsOffVariantWhateverItsFallthrough() {
        Served s = Served.of(false, "control", StoredJson.parse("{\"rollout\": {\"on\": 50, \"off\": 50}}"));
        assertThat(s.variant()).isEqualTo("control");
        assertThat(s.isRollout()).isFalse();
        assertThat(s.summary()).isEqualTo("control");
    }

    @Test
    void anOnFlagServesItsFallthroughVariant() {
        Served s = on("{\"variant\": \"on\"}");
        assertThat(s).isEqualTo(Served.variant("on"));
        assertThat(s.rollout()).isEmpty();
        assertThat(s.summary()).isEqualTo("on");
    }

    @Test
    void aRolloutListsEachShareInTheStoredOrderWithPercentSigns() {
        Served s = on("{\"rollout\": {\"on\": 25, \"off\": 75}}");
        assertThat(s.isRollout()).isTrue();
        assertThat(s.variant()).isNull();
        assertThat(s.rollout()).containsExactly(new Served.Share("on", new BigDecimal("25")),
                new Served.Share("off", new BigDecimal("75")));
        assertThat(s.summary()).isEqualTo("on 25%, off 75%");
        // The order of a rollout assigns the buckets: it is kept, not sorted.
        assertThat(on("{\"rollout\": {\"off\": 75, \"on\": 25}}").summary()).isEqualTo("off 75%, on 25%");
    }

    @Test
    void decimalsKeepTheirDigitsAndLoseTrailingZeros() {
        assertThat(on("{\"rollout\": {\"classic\": 33.333, \"cards\": 66.667}}").summary())
                .isEqualTo("classic 33.333%, cards 66.667%");
        assertThat(on("{\"rollout\": {\"a\": 10.0, \"b\": 89.50, \"c\": 0.5}}").summary())
                .isEqualTo("a 10%, b 89.5%, c 0.5%");
        // 0 % is still configured (a rollout about to start): shown, not dropped.
        assertThat(on("{\"rollout\": {\"on\": 0, \"off\": 100}}").summary()).isEqualTo("on 0%, off 100%");
        assertThat(on("{\"rollout\": {\"on\": 0.000, \"off\": 100.000}}").summary()).isEqualTo("on 0%, off 100%");
    }

    @Test
    void aBucketByAttributeOtherThanTheTargetingKeyIsNamed() {
        Served s = on("{\"rollout\": {\"a\": 50, \"b\": 50}, \"bucketBy\": \"companyId\"}");
        assertThat(s.bucketBy()).isEqualTo("companyId");
        assertThat(s.summary()).isEqualTo("a 50%, b 50% by companyId");
        assertThat(on("{\"rollout\": {\"a\": 50, \"b\": 50}, \"bucketBy\": \"targetingKey\"}").summary())
                .isEqualTo("a 50%, b 50%");
    }

    @Test
    void aSingleShareRolloutIsStillARollout() {
        Served s = on("{\"rollout\": {\"on\": 100}}");
        assertThat(s.isRollout()).isTrue();
        assertThat(s.summary()).isEqualTo("on 100%");
    }

    @Test
    void aShapeTheEngineWouldRefuseGivesAnEmptySummaryNotAnError() {
        for (String odd : List.of("null", "{}", "\"on\"", "{\"variant\": 3}", "{\"rollout\": []}",
                "{\"rollout\": {\"on\": \"x\"}}")) {
            Served s = on(odd);
            assertThat(s.summary()).as(odd).isEmpty();
            assertThat(s.isRollout()).as(odd).isFalse();
        }
        assertThat(Served.of(true, "off", null).summary()).isEmpty();
        assertThat(Served.of(false, null, null).summary()).isEmpty();
    }
}
