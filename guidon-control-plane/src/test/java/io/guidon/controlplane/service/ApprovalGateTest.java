package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.DocumentChange;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.StoredJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which changes of a document the approval gate stops: every change of what an environment serves. */
class ApprovalGateTest {

    private static FlagDefinition flag(String variants, String description, String salt) {
        JsonNode v = StoredJson.parse(variants);
        return new FlagDefinition(1, "banner", "Banner", description, List.of(), v, null, salt, 1, null, null);
    }

    private static EnvironmentDocument serving(FlagDefinition f) {
        EnvironmentDocument d = new EnvironmentDocument();
        d.flags.put(f.key(), f);
        return d;
    }

    @Test
    void changingOnlyAVariantsValueOrTheSaltChangesWhatIsServedButANewDescriptionDoesNot() {
        EnvironmentDocument before = serving(flag("{\"blue\":\"blue\",\"green\":\"green\"}", "d", null));

        assertThat(DocumentWriter.changesWhatIsServed(new DocumentChange.UpdateFlagDefinition(
                flag("{\"blue\":\"blue\",\"green\":\"GREEN\"}", "d", null)), before)).isTrue();
        assertThat(DocumentWriter.changesWhatIsServed(new DocumentChange.UpdateFlagDefinition(
                flag("{\"blue\":\"blue\",\"green\":\"green\"}", "d", "pepper")), before)).isTrue();
        assertThat(DocumentWriter.changesWhatIsServed(new DocumentChange.UpdateFlagDefinition(
                flag("{\"blue\":\"blue\",\"green\":\"green\"}", "another description", null)), before)).isFalse();
    }

    @Test
    void aNewFlagPassesAndEveryOtherChangeIsStopped() {
        EnvironmentDocument before = new EnvironmentDocument();
        FlagDefinition f = flag("{\"on\":true}", "", null);

        assertThat(DocumentWriter.changesWhatIsServed(new DocumentChange.CreateFlag(f, StoredJson.object()), before))
                .isFalse();
        assertThat(DocumentWriter.changesWhatIsServed(new DocumentChange.Toggle("banner", true), before)).isTrue();
        assertThat(DocumentWriter.changesWhatIsServed(new DocumentChange.DeleteFlag("banner"), before)).isTrue();
        assertThat(DocumentWriter.changesWhatIsServed(new DocumentChange.DeleteSegment("s"), before)).isTrue();
    }
}
