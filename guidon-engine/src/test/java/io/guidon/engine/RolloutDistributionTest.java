package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over 100,000 keys every variant gets its share to within half a percentage point. Seeded, so that a run is
 * repeatable; at this sample size the tolerance is more than three standard deviations.
 */
class RolloutDistributionTest {

    private static final int KEYS = 100_000;

    @ParameterizedTest
    @ValueSource(strings = {"50 50", "10 90", "33.334 33.333 33.333", "1 99", "20 20 20 20 20", "0.5 49.5 50"})
    void eachVariantGetsItsShare(String weights) {
        String[] shares = weights.split(" ");
        Object[] variants = new Object[shares.length * 2];
        Object[] rollout = new Object[shares.length * 2];
        for (int i = 0; i < shares.length; i++) {
            variants[2 * i] = "v" + i;
            variants[2 * i + 1] = i;
            rollout[2 * i] = "v" + i;
            rollout[2 * i + 1] = shares[i];
        }
        FlagSet set = Flags.doc().flag("experiment", f -> f.variants(variants).off("v0")
                .fallthrough(Flags.rollout(rollout))).compile();

        Random random = new Random(20250615L);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String key = new UUID(random.nextLong(), random.nextLong()).toString();
            String v = Flags.EVALUATOR.evaluate(set, "experiment", Flags.ctx("targetingKey", key)).variantKey();
            counts.merge(v, 1, Integer::sum);
        }
        for (int i = 0; i < shares.length; i++) {
            double observed = 100.0 * counts.getOrDefault("v" + i, 0) / KEYS;
            assertThat(observed).as("share of v%d in %s", i, weights)
                    .isCloseTo(new BigDecimal(shares[i]).doubleValue(), offset(0.5));
        }
    }
}
