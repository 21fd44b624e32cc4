package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.SidecarSighting;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sidecars page: sightings grouped by environment, each against the environment's version, in words. */
class SidecarsViewTest {

    static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");

    static Environment env(String key, long version) {
        return new Environment(1, key, key, null, false, version, 0, 1, null, null);
    }

    static SidecarSighting seen(String env, String instance, long holds, long current, long secondsAgo) {
        OffsetDateTime last = NOW.minusSeconds(secondsAgo).atOffset(ZoneOffset.UTC);
        return new SidecarSighting(env, instance, null, "edge", "guidon-sidecar/1.2.3", holds, current, "10.0.0.1",
                last.minusHours(1), last);
    }

    @Test
    void eachEnvironmentListsItsSidecarsAgainstItsVersion() {
        SidecarsView v = SidecarsView.of(null, NOW, List.of(env("production", 12), env("staging", 3)),
                List.of(seen("production", "a", 12, 12, 5), seen("production", "b", 9, 12, 90)), 2);
        assertThat(v.asOf()).isEqualTo("12:00:00 UTC");
        SidecarsView.Fleet prod = v.environments().get(0);
        assertThat(prod.summary()).isEqualTo("2 sidecars: 1 up to date, 1 behind.");
        assertThat(prod.state()).isEqualTo("fleet-behind");
        assertThat(prod.sidecars().get(0).status()).isEqualTo("up to date");
        assertThat(prod.sidecars().get(0).lastSeenAgo()).isEqualTo("5 s ago");
        assertThat(prod.sidecars().get(0).client()).isEqualTo("sidecar 1.2.3");
        assertThat(prod.sidecars().get(1).status()).isEqualTo("3 versions behind");
        assertThat(prod.sidecars().get(1).lastSeenAgo()).isEqualTo("1 min ago");
        assertThat(prod.sidecars().get(1).lastSeen()).isEqualTo("2026-01-31 11:58:30 UTC");
        SidecarsView.Fleet staging = v.environments().get(1);
        assertThat(staging.summary()).isEqualTo("No sidecar fetched this environment's flags recently.");
        assertThat(staging.state()).isEqualTo("fleet-none");
    }

    @Test
    void summariesAndStatusesInWords() {
        SidecarsView one = SidecarsView.of(null, NOW, List.of(env("p", 2)), List.of(seen("p", "a", 1, 2, 0)), 1);
        assertThat(one.environments().get(0).summary()).isEqualTo("1 sidecar: behind.");
        assertThat(one.environments().get(0).sidecars().get(0).status()).isEqualTo("1 version behind");
        SidecarsView all = SidecarsView.of(null, NOW, List.of(env("p", 2)), List.of(seen("p", "a", 2, 2, 0),
                seen("p", "b", 2, 2, 0)), 2);
        assertThat(all.environments().get(0).summary()).isEqualTo("2 sidecars: all up to date.");
        assertThat(all.environments().get(0).state()).isEqualTo("fleet-ok");
    }

    @Test
    void clientsAndDurations() {
        assertThat(SidecarsView.client("guidon-openfeature/0.1.0")).isEqualTo("OpenFeature provider 0.1.0");
        assertThat(SidecarsView.client("curl/8.0 (x)")).isEqualTo("curl/8.0 (x)");
        assertThat(SidecarsView.client(null)).isEqualTo("unknown client");
        assertThat(SidecarsView.ago(Duration.ofMillis(500))).isEqualTo("just now");
        assertThat(SidecarsView.ago(Duration.ofHours(5))).isEqualTo("5 h ago");
        assertThat(SidecarsView.ago(Duration.ofDays(3))).isEqualTo("3 d ago");
        assertThat(SidecarsView.ago(Duration.ofSeconds(-3))).isEqualTo("just now");
    }
}
