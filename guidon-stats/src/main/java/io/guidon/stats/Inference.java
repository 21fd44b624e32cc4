package io.guidon.stats;

/**
 * A frequentist answer about a difference between a treatment and its control: the estimate, a {@code 1 − alpha}
 * confidence interval and the two-sided p-value for "no difference" (the true value 0).
 *
 * @param estimate the point estimate and its sampling variance
 * @param degreesOfFreedom of the t reference distribution; +∞ for the normal (and for the sequential test)
 * @param alpha the interval's miscoverage: a 95 % interval has alpha 0.05. After a multiple-comparison correction,
 *     the per-comparison alpha the interval was computed at ({@link MultipleComparisons})
 * @param interval the confidence interval; {@link Interval#ALL} when the data cannot estimate it
 * @param pValue the two-sided p-value for a true value of 0, in [0, 1]; NaN when the data cannot estimate it
 */
public record Inference(Estimate estimate, double degreesOfFreedom, double alpha, Interval interval, double pValue) {
}
