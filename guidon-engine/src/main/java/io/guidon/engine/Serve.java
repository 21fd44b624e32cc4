package io.guidon.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** What a rule or the fallthrough serves: one variant, or a percentage rollout. Results are built at load. */
abstract class Serve {

    abstract EvaluationResult pick(byte[] saltPrefix, EvaluationContext ctx, Map<String, Object> trace);

    abstract boolean isRollout();

    /** Every result this serve can return, built at load (for {@link FlagSet#outcomes()}). */
    abstract void forEachResult(Consumer<EvaluationResult> action);

    static final class Fixed extends Serve {
        final EvaluationResult result;

        Fixed(EvaluationResult result) {
            this.result = result;
        }

        @Override
        EvaluationResult pick(byte[] saltPrefix, EvaluationContext ctx, Map<String, Object> trace) {
            if (trace != null) {
                trace.put("variant", result.variantKey());
            }
            return result;
        }

        @Override
        boolean isRollout() {
            return false;
        }

        @Override
        void forEachResult(Consumer<EvaluationResult> action) {
            action.accept(result);
        }
    }

    /**
     * Variant {@code i} takes the buckets {@code [upper[i-1], upper[i])}, in the order the rollout lists them, so
     * raising one share only ever adds buckets to that variant.
     */
    static final class Rollout extends Serve {
        private final String bucketBy;
        private final int[] upper;
        private final EvaluationResult[] results;
        private final EvaluationResult keyMissing;
        private final Map<String, Object> weights;

        Rollout(String bucketBy, int[] upper, EvaluationResult[] results, EvaluationResult keyMissing,
                Map<String, Object> weights) {
            this.bucketBy = bucketBy;
            this.upper = upper;
            this.results = results;
            this.keyMissing = keyMissing;
            this.weights = weights;
        }

        @Override
        EvaluationResult pick(byte[] saltPrefix, EvaluationContext ctx, Map<String, Object> trace) {
            String value = bucketValue(ctx);
            if (trace != null) {
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("weights", weights);
                node.put("bucketBy", bucketBy == null ? EvaluationContext.TARGETING_KEY : bucketBy);
                node.put("bucketValue", value);
                trace.put("rollout", node);
                if (value != null) {
                    node.put("bucket", Bucketing.bucket(saltPrefix, value));
                }
            }
            if (value == null) {
                return keyMissing;
            }
            int bucket = Bucketing.bucket(saltPrefix, value);
            for (int i = 0; i < upper.length; i++) {
                if (bucket < upper[i]) {
                    if (trace != null) {
                        trace.put("variant", results[i].variantKey());
                    }
                    return results[i];
                }
            }
            // Unreachable: the compiler checks that the last upper bound is Bucketing.BUCKETS.
            return results[results.length - 1];
        }

        private String bucketValue(EvaluationContext ctx) {
            if (bucketBy == null) {
                return ctx.targetingKey();
            }
            Object v = ctx.get(bucketBy);
            if (v instanceof String s) {
                return s;
            }
            if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                    || v instanceof java.math.BigInteger) {
                return v.toString();
            }
            return null;
        }

        @Override
        boolean isRollout() {
            return true;
        }

        @Override
        void forEachResult(Consumer<EvaluationResult> action) {
            for (EvaluationResult r : results) {
                action.accept(r);
            }
            action.accept(keyMissing);
        }
    }
}
