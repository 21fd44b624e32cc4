package io.guidon.stats;

/**
 * CUPED variance reduction: A. Deng, Y. Xu, R. Kohavi, T. Walker, "Improving the Sensitivity of Online Controlled
 * Experiments by Utilizing Pre-Experiment Data", WSDM 2013. Each user's metric {@code Y} is replaced by
 * {@code Y − θ(X − E X)}, where {@code X} is the same user's value of the metric before their first exposure. Since
 * {@code X} cannot be affected by the treatment, the adjusted difference estimates the same effect, with the
 * variance multiplied by {@code 1 − ρ²} ({@code ρ} the correlation of {@code X} and {@code Y}; Deng et al. §3.2).
 *
 * <p>Formulas, per arm {@code a} with centred sums {@code S_XX}, {@code S_XY}, {@code S_YY} and {@code n_a} users:
 * <pre>
 *   θ = (S_XY,C + S_XY,T) / (S_XX,C + S_XX,T)            (pooled within-arm covariance over variance)
 *   Δ_adj = (Ȳ_T − Ȳ_C) − θ (X̄_T − X̄_C)
 *   s²_adj,a = s²_Y,a − 2θ s_XY,a + θ² s²_X,a             (the variance of Y − θX within arm a)
 *   Var(Δ_adj) = s²_adj,T/n_T + s²_adj,C/n_C
 * </pre>
 * θ is the least-squares slope of {@code Y} on {@code X} pooled within arms, so a treatment effect on {@code Y} does
 * not leak into it, and {@code Δ_adj} equals the treatment coefficient of the regression {@code Y ~ arm + X} (an
 * analysis of covariance; R's {@code lm}). θ is treated as known, as Deng et al. do: its estimation error is of
 * order {@code 1/N} and leaves the estimate consistent. The relative lift is {@code Δ_adj / Ȳ_C}, with the
 * delta-method variance that includes the covariance of numerator and denominator:
 * <pre>
 *   Var(L) ≈ Var(Δ_adj)/Ȳ_C² − 2 Δ_adj Cov(Δ_adj, Ȳ_C)/Ȳ_C³ + Δ_adj² Var(Ȳ_C)/Ȳ_C⁴,
 *   Cov(Δ_adj, Ȳ_C) = −(s²_Y,C − θ s_XY,C)/n_C,   Var(Ȳ_C) = s²_Y,C/n_C
 * </pre>
 * which with θ = 0 is {@link Differences#relative(ArmEstimate, ArmEstimate)}. Proportion metrics are adjusted
 * through {@link Proportion#asSample()} (a pre-exposure conversion as the covariate). Ratio metrics are not: their
 * adjustment needs the delta method on four means (Deng et al. 2018 §4) and is not offered here.
 */
public final class Cuped {

    private Cuped() {
    }

    /**
     * The adjusted comparison.
     *
     * @param theta the pooled θ; 0 when the covariate does not vary (nothing to adjust with)
     * @param control the control's adjusted mean {@code Ȳ_C − θ(X̄_C − X̄)} (X̄ the pooled covariate mean) with
     *     variance {@code s²_adj,C/n_C} and {@code n_C − 1} degrees of freedom: the arms for an absolute comparison
     *     ({@link FixedHorizon#absolute}, {@link Differences#absolute(ArmEstimate, ArmEstimate)}), where the pooled
     *     centre cancels; not for a relative one, which is {@link #relative()}
     * @param treatment the treatment's, likewise
     * @param relative the relative lift {@code Δ_adj/Ȳ_C} with its delta-method variance (see the class comment)
     * @param varianceReduction {@code 1 − Var(Δ_adj)/Var(Δ)}: the share of the absolute difference's variance
     *     removed (about ρ²; 0.3 = 30 % fewer users for the same precision); NaN when a variance is
     */
    public record Adjustment(double theta, ArmEstimate control, ArmEstimate treatment, Estimate relative,
            double varianceReduction) {

        /** The adjusted absolute difference {@code Δ_adj} with its variance. */
        public Estimate absolute() {
            return Differences.absolute(control, treatment);
        }
    }

    /**
     * Adjusts a comparison with each arm's pre-exposure covariate.
     *
     * @param controlMetric the control's per-user metric values after exposure
     * @param controlPre the control's covariate moments, over the same users
     * @param treatmentMetric the treatment's
     * @param treatmentPre the treatment's covariate moments
     */
    public static Adjustment adjust(Sample controlMetric, Covariate controlPre, Sample treatmentMetric,
            Covariate treatmentPre) {
        Moments c = new Moments(controlMetric, controlPre);
        Moments t = new Moments(treatmentMetric, treatmentPre);
        double sxx = c.sxx + t.sxx;
        double theta = sxx > 0 ? (c.sxy + t.sxy) / sxx : 0;
        long users = c.n + t.n;
        double pooledPre = users == 0 ? 0 : (controlPre.sumPre() + treatmentPre.sumPre()) / users;
        ArmEstimate control = c.adjusted(theta, pooledPre);
        ArmEstimate treatment = t.adjusted(theta, pooledPre);

        double delta = treatment.mean() - control.mean();
        double varDelta = treatment.variance() + control.variance();
        double m = c.meanY;
        double varM = c.varY / c.n;
        double cov = -(c.varY - theta * c.covXY) / c.n;
        Estimate relative = m == 0 || Double.isNaN(m) || Double.isNaN(delta)
                ? new Estimate(Double.NaN, Double.NaN)
                : new Estimate(delta / m, Math.max(0, varDelta / (m * m) - 2 * delta * cov / (m * m * m)
                        + delta * delta * varM / (m * m * m * m)));
        double unadjusted = t.varY / t.n + c.varY / c.n;
        return new Adjustment(theta, control, treatment, relative, 1 - varDelta / unadjusted);
    }

    /** One arm's means, centred sums and sample (co)variances. */
    private static final class Moments {
        final long n;
        final double meanY;
        final double meanX;
        final double sxx;
        final double sxy;
        final double varY;
        final double varX;
        final double covXY;

        Moments(Sample metric, Covariate pre) {
            n = metric.n();
            meanY = metric.mean();
            meanX = n == 0 ? Double.NaN : pre.sumPre() / n;
            sxx = n == 0 ? 0 : Math.max(0, pre.sumPre2() - pre.sumPre() * pre.sumPre() / n);
            sxy = n == 0 ? 0 : pre.sumXPre() - pre.sumPre() * metric.sum() / n;
            varY = metric.variance();
            varX = n < 2 ? Double.NaN : sxx / (n - 1);
            covXY = n < 2 ? Double.NaN : sxy / (n - 1);
        }

        ArmEstimate adjusted(double theta, double pooledPre) {
            double variance = Math.max(0, varY - 2 * theta * covXY + theta * theta * varX) / n;
            return new ArmEstimate(n, meanY - theta * (meanX - pooledPre), variance, Math.max(1, n - 1));
        }
    }
}
