package io.guidon.stats;

/**
 * One guardrail: which direction is better and the largest acceptable degradation of the treatment against the
 * control.
 *
 * @param direction which way is better
 * @param maxDegradation the largest acceptable degradation, at least 0: in the metric's units, or, when
 *     {@code relative}, as a fraction of the control's mean (0.1 = 10 %)
 * @param relative whether {@code maxDegradation} (and the estimate judged) is relative to the control's mean
 */
public record GuardrailSpec(Direction direction, double maxDegradation, boolean relative) {

    /** @throws IllegalArgumentException when the direction is null or the degradation not finite and at least 0 */
    public GuardrailSpec {
        if (direction == null) {
            throw new IllegalArgumentException("a guardrail needs a direction");
        }
        if (!(maxDegradation >= 0) || !Double.isFinite(maxDegradation)) {
            throw new IllegalArgumentException(
                    "the largest acceptable degradation must be finite and at least 0, was " + maxDegradation);
        }
    }
}
