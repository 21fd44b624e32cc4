package io.guidon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reference values from R 4.2.2's stats package, run by hand with {@code options(digits = 17)}. */
class SampleSizeTest {

    @Test
    void meansAreWithinATenthOfAUserOfRsPowerTTest() {
        // R: power.t.test(power = .90, delta = 1)$n -> 22.021097703851229 (R's documented example, "n = 22.02110");
        //    the normal formula with Guenther's correction, 2*(qnorm(.975) + qnorm(.9))^2 + qnorm(.975)^2/4
        //    -> 21.97521082805477
        assertThat(SampleSize.usersPerArmForMean(1, 1, 0.05, 0.9)).isCloseTo(21.97521082805477, within(1e-10))
                .isCloseTo(22.021097703851229, within(0.1));
        // R: sapply(c(2, 0.5, 0.05), function(d) power.t.test(power = .8, delta = d)$n)
        //    -> 5.090008 63.76576 6280.064 (ours 4.884805 63.7514 6280.064): the correction matters only below ~15.
        assertThat(SampleSize.usersPerArmForMean(1, 2, 0.05, 0.8)).isCloseTo(5.090008, within(0.21));
        assertThat(SampleSize.usersPerArmForMean(1, 0.5, 0.05, 0.8)).isCloseTo(63.76576, within(0.02));
        assertThat(SampleSize.usersPerArmForMean(1, 0.05, 0.05, 0.8)).isCloseTo(6280.064, within(0.001));
        // R: power.t.test(n = 1000, sd = 4, power = .8)$delta -> 0.50140348161702641
        assertThat(SampleSize.detectableMeanEffect(4, 1000, 0.05, 0.8)).isCloseTo(0.50140348161702641, within(1e-5));
        // The two are inverses.
        double n = SampleSize.usersPerArmForMean(4, 0.3, 0.01, 0.8);
        assertThat(SampleSize.detectableMeanEffect(4, n, 0.01, 0.8)).isCloseTo(0.3, within(1e-12));
        assertThat(SampleSize.usersPerArmForMean(4, -0.3, 0.01, 0.8)).isEqualTo(n);
    }

    @Test
    void proportionsAreTheFormulaRsPowerPropTestSolves() {
        // R: power.prop.test(p1 = .50, p2 = .75, power = .90)$n -> 76.706930114107664 (R's documented example)
        //    power.prop.test(p1 = .05, p2 = .055, power = .80)$n -> 31233.437940128588
        //    power.prop.test(n = 10000, p1 = .05, power = .80)$p2 -> 0.058988074146994439
        // power.prop.test finds n and p2 with uniroot at tol = .Machine$double.eps^0.25 (1.2e-4, in n's or p2's
        // units), so its answers are that close. The formula it solves, in closed form:
        //    f <- function(p1, p2, a, pw) { pb <- (p1 + p2)/2; (qnorm(1 - a/2)*sqrt(2*pb*(1 - pb))
        //        + qnorm(pw)*sqrt(p1*(1 - p1) + p2*(1 - p2)))^2/(p2 - p1)^2 }
        //    f(.5, .75, .05, .9) -> 76.706928451777429; f(.05, .055, .05, .8) -> 31233.437940130025
        //    uniroot(function(p2) f(.05, p2, .05, .8) - 10000, c(0.0500001, 0.5), tol = 1e-15)$root
        //    -> 0.058993097319155391
        assertThat(SampleSize.usersPerArmForProportion(0.5, 0.75, 0.05, 0.9))
                .isCloseTo(76.706928451777429, within(1e-9)).isCloseTo(76.706930114107664, within(1.2e-4));
        assertThat(SampleSize.usersPerArmForProportion(0.05, 0.055, 0.05, 0.8))
                .isCloseTo(31233.437940130025, within(1e-6)).isCloseTo(31233.437940128588, within(1.2e-4));
        assertThat(SampleSize.detectableProportion(0.05, 10000, 0.05, 0.8))
                .isCloseTo(0.058993097319155391, within(1e-12)).isCloseTo(0.058988074146994439, within(1.2e-4));
    }

    @Test
    void tooFewUsersDetectNothingAndBadInputIsRefused() {
        assertThat(SampleSize.detectableProportion(0.5, 1, 0.05, 0.8)).isNaN();
        assertThat(SampleSize.detectableMeanEffect(1, 0.5, 0.05, 0.8)).isNaN();
        assertThatThrownBy(() -> SampleSize.usersPerArmForProportion(0.1, 0.1, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ");
        assertThatThrownBy(() -> SampleSize.usersPerArmForMean(1, 1, 0.05, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power");
        assertThatThrownBy(() -> SampleSize.usersPerArmForMean(0, 1, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("standard deviation");
    }
}
