package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the error answers read from the route table: the methods of a path, and the flag key it names. */
class SidecarRouteTest {

    @Test
    void evaluationsArePostAndReadsAreGetAndHead() {
        for (String path : new String[] {"/ofrep/v1/evaluate/flags/dark-mode", "/ofrep/v1/evaluate/flags",
                "/ofrep/v1/evaluate/flags/", "/v1/evaluate", "/v1/track", "/v1/exposures"}) {
            assertThat(SidecarRoute.allowed(path)).as(path).isEqualTo("POST");
        }
        for (String path : new String[] {"/ofrep/v1/configuration", "/v1/flags/dark-mode", "/v1/flags",
                "/users/u1/flags", "/v1/stream", "/ws/flags", "/healthz", "/readyz"}) {
            assertThat(SidecarRoute.allowed(path)).as(path).isEqualTo("GET, HEAD");
        }
    }

    @Test
    void aRouteMatchesItsSegmentsWithParametersAndOneTrailingSlash() {
        assertThat(SidecarRoute.FLAG.matches("/v1/flags/a%2Fb")).isTrue();
        assertThat(SidecarRoute.FLAG.matches("/v1/flags/a/b")).isFalse();
        assertThat(SidecarRoute.FLAG.matches("/v1/flags/")).isFalse();
        assertThat(SidecarRoute.FLAGS.matches("/v1/flags/")).isTrue();
        assertThat(SidecarRoute.USER_FLAGS.matches("/users/u%20x/flags")).isTrue();
        assertThat(SidecarRoute.EVALUATE.matches("/v1/evaluatex")).isFalse();
        assertThat(SidecarRoute.EVALUATE.matches(null)).isFalse();
    }

    @Test
    void theFlagKeyIsThatOfTheRoutesAboutOneFlag() {
        assertThat(SidecarRoute.rawFlagKey("/ofrep/v1/evaluate/flags/dark%2Dmode")).isEqualTo("dark%2Dmode");
        assertThat(SidecarRoute.rawFlagKey("/v1/flags/a%e0%a4")).isEqualTo("a%e0%a4");
        assertThat(SidecarRoute.rawFlagKey("/ofrep/v1/evaluate/flags/")).isNull();
        assertThat(SidecarRoute.rawFlagKey("/ofrep/v1/evaluate/flags")).isNull();
        assertThat(SidecarRoute.rawFlagKey("/users/u1/flags")).isNull();
        assertThat(SidecarRoute.rawFlagKey("/v1/evaluate")).isNull();
        assertThat(SidecarRoute.rawFlagKey(null)).isNull();
        assertThat(SidecarRoute.OFREP_FLAG.flagKeyPrefix()).isEqualTo("/ofrep/v1/evaluate/flags/");
        assertThat(SidecarRoute.FLAG.flagKeyPrefix()).isEqualTo("/v1/flags/");
        assertThat(SidecarRoute.FLAGS.flagKeyPrefix()).isNull();
    }
}
