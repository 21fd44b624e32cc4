package io.guidon.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientIdentityTest {

    @Test
    void theUserAgentNamesTheProductAndTheBuildsVersion() {
        assertThat(ClientIdentity.version()).isNotBlank().doesNotContain("${").doesNotContain("/");
        // Maven filters build.properties: a test run sees the project's version.
        assertThat(ClientIdentity.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(ClientIdentity.userAgent(ClientIdentity.SIDECAR)).isEqualTo("guidon-sidecar/"
                + ClientIdentity.version());
        assertThat(ClientIdentity.userAgent(ClientIdentity.OPENFEATURE)).startsWith("guidon-openfeature/");
    }

    @Test
    void newInstanceIdsAreValidAndDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String id = ClientIdentity.newInstanceId();
            assertThat(ClientIdentity.isInstanceId(id)).as(id).isTrue();
            assertThat(id).matches(".+-[0-9a-f]{8}");
            ids.add(id);
        }
        assertThat(ids).hasSize(100);
    }

    @Test
    void aHostNameIsMadeFitForAnId() {
        assertThat(ClientIdentity.hostPart("web-1.example.com")).isEqualTo("web-1.example.com");
        assertThat(ClientIdentity.hostPart("-my host/é")).isEqualTo("my-host--");
        assertThat(ClientIdentity.hostPart("x".repeat(300))).hasSize(64);
        assertThat(ClientIdentity.hostPart("---")).isEqualTo("host");
        assertThat(ClientIdentity.isInstanceId(ClientIdentity.hostPart("x".repeat(300)) + "-0011aabb")).isTrue();
    }

    @Test
    void instanceIdsAreShortPlainAscii() {
        assertThat(ClientIdentity.isInstanceId("pod-7f9c:8080@eu")).isTrue();
        assertThat(ClientIdentity.isInstanceId("a".repeat(128))).isTrue();
        assertThat(ClientIdentity.isInstanceId("a".repeat(129))).isFalse();
        assertThat(ClientIdentity.isInstanceId("")).isFalse();
        assertThat(ClientIdentity.isInstanceId(null)).isFalse();
        assertThat(ClientIdentity.isInstanceId("-starts-with-dash")).isFalse();
        assertThat(ClientIdentity.isInstanceId("has space")).isFalse();
        assertThat(ClientIdentity.isInstanceId("<script>")).isFalse();
        assertThat(ClientIdentity.isInstanceId("ünïcode")).isFalse();
    }

    @Test
    void aUserAgentIsKeptPrintableAndBounded() {
        assertThat(ClientIdentity.keptUserAgent(null)).isEmpty();
        assertThat(ClientIdentity.keptUserAgent("guidon-sidecar/1.2.3")).isEqualTo("guidon-sidecar/1.2.3");
        assertThat(ClientIdentity.keptUserAgent("a\u0000b\nc\u00e9")).isEqualTo("a?b?c?");
        assertThat(ClientIdentity.keptUserAgent("x".repeat(1000))).hasSize(ClientIdentity.MAX_USER_AGENT_LENGTH);
    }
}
