package io.guidon.stats;

/**
 * The moments of a pre-exposure covariate for CUPED ({@link Cuped}), over the same users as the arm's metric
 * {@link Sample}: each user's value of the metric in a window before their first exposure (0 for a user with no
 * events then), its square, and its product with the user's metric value.
 *
 * @param sumPre Σ pre, finite
 * @param sumPre2 Σ pre², finite and at least 0
 * @param sumXPre Σ x · pre (x the user's metric value after exposure), finite
 */
public record Covariate(double sumPre, double sumPre2, double sumXPre) {

    /** No users. */
    public static final Covariate EMPTY = new Covariate(0, 0, 0);

    /** @throws IllegalArgumentException when a sum is not finite or the sum of squares is negative */
    public Covariate {
        if (!Double.isFinite(sumPre) || !Double.isFinite(sumPre2) || !Double.isFinite(sumXPre)) {
            throw new IllegalArgumentException("sums must be finite");
        }
        if (sumPre2 < 0) {
            throw new IllegalArgumentException("the sum of squares must be at least 0, was " + sumPre2);
        }
    }

    /** These moments with one more user whose metric value is {@code x} and pre-exposure value {@code pre}. */
    public Covariate plus(double x, double pre) {
        return new Covariate(sumPre + pre, sumPre2 + pre * pre, sumXPre + x * pre);
    }
}
