package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0", "1.2.3", "10.20.30", "2.0.0-rc.1", "1.0.0-alpha.beta+exp.sha.5114f85",
            "1.2.3+build.7"})
    void strictTakesSemVer2(String text) {
        assertThat(Versions.parseStrict(text)).isNotNull();
        assertThat(Versions.parseStrict(text).getVersion()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.2.3", "V1.2.3", " 1.2.3", "1.2.3 ", "1.2", "2", "01.2.3", "1.2.3.4", "4.x", "1.2.3-",
            "1.2.3+", "1.2.3-01", "2147483648.0.0", ""})
    void strictRejectsEverythingElse(String text) {
        // semver4j alone takes "v1.2.3" and surrounding spaces, which a document must not write.
        assertThat(Versions.parseStrict(text)).isNull();
    }

    @Test
    void lenientTakesAPrefixAndMissingNumbers() {
        assertThat(Versions.parseLenient("v2").getVersion()).isEqualTo("2.0.0");
        assertThat(Versions.parseLenient("V2.3").getVersion()).isEqualTo("2.3.0");
        assertThat(Versions.parseLenient("2.3").getVersion()).isEqualTo("2.3.0");
        assertThat(Versions.parseLenient("v2.3.4").getVersion()).isEqualTo("2.3.4");
    }

    @Test
    void lenientKeepsPrereleaseAndBuildOfAShortVersion() {
        assertThat(Versions.parseLenient("2.3-beta.1").getVersion()).isEqualTo("2.3.0-beta.1");
        assertThat(Versions.parseLenient("2+build.5").getVersion()).isEqualTo("2.0.0+build.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v", "x", "1.2.3.4", "1..2", "-1", "+1", "2.x", "99999999999999999999", "1.2.3-"})
    void lenientStillRejectsNonVersions(String text) {
        assertThat(Versions.parseLenient(text)).isNull();
    }
}
