package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Percentage rollouts: changing shares only moves the keys it must. */
class RolloutProperties {

    private static final int KEYS = 1_000;

    /** 2 to 5 shares in thousandths of a percent, summing to 100,000; zeros included. */
    @Provide
    Arbitrary<int[]> shares() {
        return Arbitraries.integers().between(2, 5).flatMap(n -> Arbitraries.integers().between(0, Bucketing.BUCKETS)
                .array(int[].class).ofSize(n - 1)
                .map(cuts -> {
                    int[] sorted = Arrays.copyOf(cuts, n + 1);
                    sorted[n - 1] = 0;
                    sorted[n] = Bucketing.BUCKETS;
                    Arrays.sort(sorted);
                    int[] out = new int[n];
                    for (int i = 0; i < n; i++) {
                        out[i] = sorted[i + 1] - sorted[i];
                    }
                    return out;
                }));
    }

    private static FlagSet rolloutFlag(int[] shares) {
        Object[] variants = new Object[shares.length * 2];
        Object[] weights = new Object[shares.length * 2];
        for (int i = 0; i < shares.length; i++) {
            variants[2 * i] = "v" + i;
            variants[2 * i + 1] = i;
            weights[2 * i] = "v" + i;
            weights[2 * i + 1] = BigDecimal.valueOf(shares[i], 3).toPlainString();
        }
        return Flags.doc().flag("exp", f -> f.variants(variants).off("v0").fallthrough(Flags.rollout(weights)))
                .compile();
    }

    /** {@code shares} with variant {@code j} raised by up to what the others hold, taken from them at random. */
    private static int[] raise(int[] shares, int j, Random random) {
        int[] next = shares.clone();
        int delta = random.nextInt(Bucketing.BUCKETS - shares[j] + 1);
        next[j] += delta;
        List<Integer> others = new ArrayList<>();
        for (int k = 0; k < shares.length; k++) {
            if (k != j) {
                others.add(k);
            }
        }
        Collections.shuffle(others, random);
        int left = delta;
        for (int k : others) {
            int take = Math.min(left, random.nextInt(next[k] + 1));
            next[k] -= take;
            left -= take;
        }
        for (int k : others) {
            int take = Math.min(left, next[k]);
            next[k] -= take;
            left -= take;
        }
        return next;
    }

    @Property(tries = 200)
    void raisingOneShareNeverMovesAKeyOutOfIt(@ForAll("shares") int[] shares, @ForAll Random random) {
        int j = random.nextInt(shares.length);
        int[] raised = raise(shares, j, random);
        assertThat(Arrays.stream(raised).sum()).isEqualTo(Bucketing.BUCKETS);
        assertThat(raised[j]).isGreaterThanOrEqualTo(shares[j]);

        FlagSet before = rolloutFlag(shares);
        FlagSet after = rolloutFlag(raised);
        String vj = "v" + j;
        for (int i = 0; i < KEYS; i++) {
            EvaluationContext ctx = Flags.ctx("targetingKey", Long.toHexString(random.nextLong()));
            if (Flags.EVALUATOR.evaluate(before, "exp", ctx).variantKey().equals(vj)) {
                assertThat(Flags.EVALUATOR.evaluate(after, "exp", ctx).variantKey())
                        .as("%s %s -> %s", ctx, Arrays.toString(shares), Arrays.toString(raised)).isEqualTo(vj);
            }
        }
    }

    @Property(tries = 200)
    void aKeyLandsInTheVariantWhoseRangeHoldsItsBucket(@ForAll("shares") int[] shares, @ForAll Random random) {
        FlagSet set = rolloutFlag(shares);
        for (int i = 0; i < 100; i++) {
            String key = Long.toHexString(random.nextLong());
            int bucket = Bucketing.bucket("exp", key);
            int k = 0;
            int upper = shares[0];
            while (bucket >= upper) {
                k++;
                upper += shares[k];
            }
            assertThat(Flags.EVALUATOR.evaluate(set, "exp", Flags.ctx("targetingKey", key)).variantKey())
                    .isEqualTo("v" + k);
        }
    }
}
