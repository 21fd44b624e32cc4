package io.guidon.controlplane.ui.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.StoredJson;
import org.junit.jupiter.api.Test;

/** The editing pages' shared helpers: revisions from forms, audit actions in words, review tokens. */
class EditSupportTest {

    @Test
    void aStaleFormSaysWhatEachChangeSinceChangedWithoutBookkeeping() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var before = json.readTree("{\"revision\": 2, \"enabled\": true, \"fallthrough\": {\"variant\": \"off\"}}");
        var after = json.readTree("{\"revision\": 3, \"enabled\": true, \"fallthrough\": {\"variant\": \"on\"}}");
        assertThat(EditSupport.details(before, after)).isEqualTo(": fallthrough.variant \"off\" \u2192 \"on\"");
        assertThat(EditSupport.details(before, before)).isEmpty();
    }

    @Test
    void aFormsRevisionIsANumberOrNone() {
        assertThat(EditSupport.revision("7")).isEqualTo(7);
        assertThat(EditSupport.revision(" 7 ")).isEqualTo(7);
        assertThat(EditSupport.revision("x")).isEqualTo(-1);
        assertThat(EditSupport.revision(null)).isEqualTo(-1);
    }

    @Test
    void auditActionsReadAsWhatSomeoneDid() {
        assertThat(EditSupport.words("flag.enable", "production")).isEqualTo("turned the flag on in production");
        assertThat(EditSupport.words("flag.configure", "staging")).isEqualTo("changed its targeting in staging");
        assertThat(EditSupport.words("flag.update", null)).isEqualTo("changed its definition (description, tags or"
                + " variants)");
        assertThat(EditSupport.words("segment.update", "staging")).isEqualTo("changed the segment in staging");
        assertThat(EditSupport.words("something.new", "")).isEqualTo("something.new");
    }

    @Test
    void theReviewTokenTiesTheSaveToTheReviewedContentAndRevision() {
        var a = StoredJson.parse("{\"enabled\": true, \"fallthrough\": {\"rollout\": {\"on\": 25, \"off\": 75}}}");
        var same = StoredJson.parse("{\"enabled\": true, \"fallthrough\": {\"rollout\": {\"on\": 25, \"off\": 75}}}");
        var reordered = StoredJson.parse("{\"enabled\": true, \"fallthrough\": {\"rollout\": {\"off\": 75, \"on\": 25}}}");
        assertThat(EditSupport.reviewToken(a, 3)).isEqualTo(EditSupport.reviewToken(same, 3));
        assertThat(EditSupport.reviewToken(a, 3)).isNotEqualTo(EditSupport.reviewToken(a, 4));
        assertThat(EditSupport.reviewToken(a, 3)).as("a rollout's order is part of what was reviewed")
                .isNotEqualTo(EditSupport.reviewToken(reordered, 3));
        assertThat(EditSupport.reviewToken(a, 3)).hasSize(32);
    }
}
