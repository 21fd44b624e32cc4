package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProposedChangeTest {

    private static ObjectNode object(String json) {
        return (ObjectNode) StoredJson.parse(json.replace('\'', '"'));
    }

    private static final List<ProposedChange> EVERY_KIND = List.of(
            new ProposedChange.Toggle("production", "checkout", true),
            new ProposedChange.Rollout("production", "checkout", StoredJson.parse("12.50"), null, "userId"),
            new ProposedChange.Rollout("production", "checkout", null, object("{'off': 90, 'on': 10}"), null),
            new ProposedChange.Configure("staging", "banner", object("{'enabled': true, 'offVariant': 'off'}")),
            new ProposedChange.UpdateFlag("banner", "Banner", "", List.of("web"), object("{'on': 'blue'}"), null,
                    null),
            new ProposedChange.DeleteFlag("banner"),
            new ProposedChange.PutSegment("production", "beta", true, "testers", object("{'included': ['a']}")),
            new ProposedChange.DeleteSegment("production", "beta"));

    @Test
    void everyKindReadsBackAsTheSameChangeWithTheSameHash() {
        for (ProposedChange c : EVERY_KIND) {
            ProposedChange back = ProposedChange.fromJson(StoredJson.parse(StoredJson.write(c.toJson())));
            assertThat(back.toJson()).as(c.kind()).isEqualTo(c.toJson());
            assertThat(back.sha256()).as(c.kind()).isEqualTo(c.sha256()).hasSize(64);
            assertThat(back.kind()).isEqualTo(c.kind());
        }
    }

    @Test
    void theExactDecimalOfAPercentageIsKept() {
        ProposedChange c = new ProposedChange.Rollout("p", "f", StoredJson.parse("12.50"), null, null);
        assertThat(StoredJson.write(c.toJson())).contains("\"percentage\":12.50");
    }

    @Test
    void theOrderOfARolloutsVariantsIsPartOfTheChange() {
        // The order decides which users get which variant, so it is another change with another hash.
        ProposedChange a = new ProposedChange.Rollout("p", "f", null, object("{'off': 90, 'on': 10}"), null);
        ProposedChange b = new ProposedChange.Rollout("p", "f", null, object("{'on': 10, 'off': 90}"), null);
        assertThat(a.sha256()).isNotEqualTo(b.sha256());
    }

    @Test
    void changingOnlyAVariantsValueChangesTheHash() {
        ProposedChange a = new ProposedChange.UpdateFlag("f", "", "", List.of(), object("{'on': 'blue'}"), null, null);
        ProposedChange b = new ProposedChange.UpdateFlag("f", "", "", List.of(), object("{'on': 'red'}"), null, null);
        assertThat(a.sha256()).isNotEqualTo(b.sha256());
    }

    @Test
    void somethingThatIsNotAStoredChangeIsRefused() {
        assertThatThrownBy(() -> ProposedChange.fromJson(object("{'kind': 'flag.explode'}")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("flag.explode");
        assertThatThrownBy(() -> ProposedChange.fromJson(StoredJson.parse("[]")))
                .isInstanceOf(IllegalStateException.class);
    }
}
