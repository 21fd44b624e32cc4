package io.guidon.engine;

import static io.guidon.engine.Flags.EVALUATOR;
import static io.guidon.engine.Flags.ctx;
import static io.guidon.engine.Flags.rollout;
import static io.guidon.engine.Flags.rolloutBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** How a rollout maps buckets to variants, and what it buckets by. */
class ServeTest {

    /** Keys "user-0", "user-1"... whose bucket under {@code salt} satisfies {@code test}, the first {@code n}. */
    private static List<String> keys(String salt, IntPredicate test, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            if (test.test(Bucketing.bucket(salt, "user-" + i))) {
                out.add("user-" + i);
            }
        }
        return out;
    }

    private static String variant(FlagSet set, String flag, Object... context) {
        return EVALUATOR.evaluate(set, flag, ctx(context)).variantKey();
    }

    @Test
    void variantsTakeConsecutiveBucketRangesInTheOrderListed() {
        FlagSet set = Flags.doc().flag("f", f -> f.variants("a", 1, "b", 2, "c", 3).off("a")
                .fallthrough(rollout("a", "12.5", "b", "0.001", "c", "87.499"))).compile();
        for (String key : keys("f", b -> b < 12_500, 20)) {
            assertThat(variant(set, "f", "targetingKey", key)).isEqualTo("a");
        }
        for (String key : keys("f", b -> b == 12_500, 1)) {
            assertThat(variant(set, "f", "targetingKey", key)).isEqualTo("b");
        }
        for (String key : keys("f", b -> b > 12_500, 20)) {
            assertThat(variant(set, "f", "targetingKey", key)).isEqualTo("c");
        }
    }

    @Test
    void theBoundaryBucketBelongsToTheNextVariant() {
        FlagSet set = Flags.doc().flag("f", f -> f.bool().fallthrough(rollout("on", 10, "off", 90))).compile();
        assertThat(variant(set, "f", "targetingKey", keys("f", b -> b == 9_999, 1).get(0))).isEqualTo("on");
        assertThat(variant(set, "f", "targetingKey", keys("f", b -> b == 10_000, 1).get(0))).isEqualTo("off");
    }

    @Test
    void aZeroShareIsNeverServed() {
        FlagSet set = Flags.doc().flag("f", f -> f.variants("a", 1, "b", 2, "c", 3).off("a")
                .fallthrough(rollout("a", 0, "b", 100, "c", 0))).compile();
        for (int i = 0; i < 2_000; i++) {
            assertThat(variant(set, "f", "targetingKey", "k" + i)).isEqualTo("b");
        }
    }

    @Test
    void theSaltDecidesTheBucketsNotTheFlagKey() {
        FlagSet set = Flags.doc()
                .flag("f", f -> f.bool().salt("shared").fallthrough(rollout("on", 50, "off", 50)))
                .flag("g", f -> f.bool().salt("shared").fallthrough(rollout("on", 50, "off", 50)))
                .flag("h", f -> f.bool().fallthrough(rollout("on", 50, "off", 50)))
                .compile();
        assertThat(set.flag("f").salt()).isEqualTo("shared");
        assertThat(set.flag("h").salt()).isEqualTo("h");
        int differs = 0;
        for (int i = 0; i < 200; i++) {
            String key = "k" + i;
            assertThat(variant(set, "g", "targetingKey", key)).isEqualTo(variant(set, "f", "targetingKey", key));
            String expected = Bucketing.bucket("shared", key) < 50_000 ? "on" : "off";
            assertThat(variant(set, "f", "targetingKey", key)).isEqualTo(expected);
            differs += variant(set, "f", "targetingKey", key).equals(variant(set, "h", "targetingKey", key)) ? 0 : 1;
        }
        // Independent salts split independently: about half the keys land differently.
        assertThat(differs).isBetween(60, 140);
    }

    @Test
    void bucketByGroupsEveryoneWithTheSameValue() {
        FlagSet set = Flags.doc().flag("pricing", f -> f.bool()
                .fallthrough(rolloutBy("companyId", "on", 50, "off", 50))).compile();
        String acme = variant(set, "pricing", "companyId", "acme");
        for (int i = 0; i < 50; i++) {
            assertThat(variant(set, "pricing", "targetingKey", "u" + i, "companyId", "acme")).isEqualTo(acme);
        }
        assertThat(acme).isEqualTo(Bucketing.bucket("pricing", "acme") < 50_000 ? "on" : "off");
    }

    @Test
    void bucketByTargetingKeyIsTheDefault() {
        FlagSet set = Flags.doc()
                .flag("f", f -> f.bool().salt("s").fallthrough(rolloutBy("targetingKey", "on", 50, "off", 50)))
                .flag("g", f -> f.bool().salt("s").fallthrough(rollout("on", 50, "off", 50)))
                .compile();
        for (int i = 0; i < 100; i++) {
            assertThat(variant(set, "f", "targetingKey", "k" + i)).isEqualTo(variant(set, "g", "targetingKey", "k" + i));
        }
    }
}
