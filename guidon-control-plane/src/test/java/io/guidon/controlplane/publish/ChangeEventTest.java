package io.guidon.controlplane.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeEventTest {

    @Test
    void theMessageAndChannelAreTheDocumentedContract() {
        ChangeEvent e = new ChangeEvent(7, "acme", "production", 42, List.of("flag-a", "flag-b"));

        assertThat(e.toJson()).isEqualTo(
                "{\"tenant\":\"acme\",\"environment\":\"production\",\"version\":42,\"changed\":[\"flag-a\",\"flag-b\"]}");
        assertThat(ChangePublisher.channel("guidon", "acme", "production")).isEqualTo("guidon:changes:acme:production");
    }
}
