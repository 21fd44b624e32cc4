package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.protocol.EventRules;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol's time rules agree with the control plane's default settings. */
class EventWindowDefaultsTest {

    @Test
    void theSidecarsWindowLiesInsideTheControlPlanesDefaultOneWithADayToSpare() {
        ControlPlaneConfig.Events defaults = ControlPlaneConfig.load(null, Map.of(), Map.of()).config().events();

        assertThat(defaults.maxEventAge()).isEqualTo(EventRules.DEFAULT_MAX_EVENT_AGE);
        assertThat(defaults.maxClockSkew()).isEqualTo(EventRules.DEFAULT_MAX_CLOCK_SKEW);
        assertThat(EventRules.SIDECAR_MAX_AGE.plus(EventRules.DELIVERY_MARGIN))
                .isLessThanOrEqualTo(EventRules.DEFAULT_MAX_EVENT_AGE);
        assertThat(EventRules.SIDECAR_MAX_AHEAD).isLessThan(EventRules.DEFAULT_MAX_CLOCK_SKEW);
        assertThat(EventRules.DELIVERY_MARGIN).isGreaterThanOrEqualTo(Duration.ofHours(1));
    }
}
