package io.guidon.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Engine paths of a flag or segment become paths relative to the resource a request changes. */
class PathMappingTest {

    @Test
    void pathsBelowTheResourceBecomeRelative() {
        assertThat(ConfigService.relative("flags.a.rules[0].serve.variant", "flags", "a")).isEqualTo("rules[0].serve.variant");
        assertThat(ConfigService.relative("flags.a.targets[1]", "flags", "a")).isEqualTo("targets[1]");
        assertThat(ConfigService.relative("flags.a", "flags", "a")).isEmpty();
        assertThat(ConfigService.relative("flags[\"a.b\"].enabled", "flags", "a.b")).isEqualTo("enabled");
        assertThat(ConfigService.relative("segments.s.rules[0]", "segments", "s")).isEqualTo("rules[0]");
    }

    @Test
    void pathsOfOtherResourcesAreNotRelative() {
        assertThat(ConfigService.relative("flags.ab.enabled", "flags", "a")).isNull();
        assertThat(ConfigService.relative("segments.a.rules", "flags", "a")).isNull();
    }
}
