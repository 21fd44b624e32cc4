package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class RevertsTest {

    private static JsonNode entry(String json) {
        return StoredJson.parse(json);
    }

    @Test
    void aChangeOfAFlagInAnEnvironmentIsRevertedByConfiguringItAsItWasWithoutItsDefinition() {
        ProposedChange c = Reverts.of(entry("{\"id\":7,\"action\":\"flag.rollout\",\"resourceType\":\"flag\","
                + "\"resource\":\"checkout\",\"environment\":\"production\",\"before\":{\"key\":\"checkout\","
                + "\"environment\":\"production\",\"variants\":{\"on\":true,\"off\":false},\"description\":\"\","
                + "\"enabled\":true,\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"},\"revision\":3},"
                + "\"after\":{}}"));

        assertThat(c).isInstanceOf(ProposedChange.Configure.class);
        assertThat(c.toJson().toString()).isEqualTo("{\"kind\":\"flag.configure\",\"environment\":\"production\","
                + "\"flag\":\"checkout\",\"config\":{\"enabled\":true,\"offVariant\":\"off\","
                + "\"fallthrough\":{\"variant\":\"on\"}}}");
    }

    @Test
    void aDefinitionIsPutBackACreatedFlagOrSegmentDeletedAndADeletedSegmentCreatedAgain() {
        assertThat(Reverts.of(entry("{\"action\":\"flag.update\",\"resourceType\":\"flag\",\"resource\":\"f\","
                + "\"environment\":null,\"before\":{\"key\":\"f\",\"name\":\"F\",\"description\":\"d\",\"tags\":[\"t\"],"
                + "\"variants\":{\"a\":1}}}")).toJson().toString()).isEqualTo("{\"kind\":\"flag.update\","
                + "\"flag\":\"f\",\"name\":\"F\",\"description\":\"d\",\"tags\":[\"t\"],\"variants\":{\"a\":1}}");
        assertThat(Reverts.of(entry("{\"action\":\"flag.create\",\"resourceType\":\"flag\",\"resource\":\"f\","
                + "\"environment\":null,\"before\":null}"))).isEqualTo(new ProposedChange.DeleteFlag("f"));
        assertThat(Reverts.of(entry("{\"action\":\"segment.create\",\"resourceType\":\"segment\",\"resource\":\"s\","
                + "\"environment\":\"production\",\"before\":null}")))
                .isEqualTo(new ProposedChange.DeleteSegment("production", "s"));
        ProposedChange put = Reverts.of(entry("{\"action\":\"segment.delete\",\"resourceType\":\"segment\","
                + "\"resource\":\"s\",\"environment\":\"production\",\"before\":{\"key\":\"s\",\"description\":\"d\","
                + "\"included\":[\"u1\"],\"revision\":2}}"));
        assertThat(put.toJson().toString()).isEqualTo("{\"kind\":\"segment.put\",\"environment\":\"production\","
                + "\"segment\":\"s\",\"create\":true,\"description\":\"d\",\"definition\":{\"included\":[\"u1\"]}}");
    }

    @Test
    void anEntryWithNothingToGoBackToIsInvalidNamingIt() {
        assertThatThrownBy(() -> Reverts.of(entry("{\"id\":9,\"action\":\"environment.update\","
                + "\"resourceType\":\"environment\",\"resource\":\"production\",\"environment\":\"production\","
                + "\"before\":{}}")))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID);
                    assertThat(e.violations().get(0).message()).contains("audit entry 9").contains("cannot be reverted");
                });
        assertThatThrownBy(() -> Reverts.of(entry("{\"action\":\"flag.delete\",\"resourceType\":\"flag\","
                + "\"resource\":\"f\",\"environment\":null,\"before\":{\"key\":\"f\"}}")))
                .isInstanceOf(DomainException.class);
    }
}
