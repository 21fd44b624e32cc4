package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.StoredJson;
import org.junit.jupiter.api.Test;

/** An audit entry as the history page shows it: a sentence, a link, the readable changes without bookkeeping. */
class HistoryEntryTest {

    @Test
    void anUpdateReadsAsASentenceWithItsChanges() {
        HistoryEntry e = HistoryEntry.of(StoredJson.parse("""
                {"id": 7, "at": "2026-01-31T12:00:03.123Z", "requestId": "r-1", "actor": {"keyId": null,
                 "name": "release <bot>"}, "action": "flag.rollout", "resourceType": "flag", "resource": "checkout",
                 "environment": "production",
                 "before": {"key": "checkout", "revision": 1, "updatedAt": "a", "enabled": true,
                            "fallthrough": {"variant": "off"}, "description": "x"},
                 "after": {"key": "checkout", "revision": 2, "updatedAt": "b", "enabled": true,
                           "fallthrough": {"rollout": {"on": 25, "off": 75}}}}
                """));
        assertThat(e.at()).isEqualTo("2026-01-31 12:00:03 UTC");
        assertThat(e.actor()).isEqualTo("release <bot>");
        assertThat(e.verb()).isEqualTo("set the rollout of");
        assertThat(e.resourceUrl()).isEqualTo("/ui/flags/checkout");
        assertThat(e.changes()).extracting(HistoryEntry.DiffRow::path).containsExactly("fallthrough.variant",
                "fallthrough.rollout", "description");
        assertThat(e.changes().get(0)).isEqualTo(new HistoryEntry.DiffRow("removed", "fallthrough.variant",
                "\"off\"", null, false));
        assertThat(e.changes().get(1).kind()).isEqualTo("added");
        assertThat(e.changes().get(1).multiline()).isTrue();
        assertThat(e.changes().get(1).after()).contains("\"on\" : 25");
        assertThat(e.created()).isFalse();
        assertThat(e.before()).contains("\"revision\" : 1");
    }

    @Test
    void aCreationHasNothingBeforeAndASegmentLinksToItsEnvironmentsPage() {
        HistoryEntry e = HistoryEntry.of(StoredJson.parse("""
                {"id": 8, "at": "2026-01-31T12:00:03Z", "actor": {"name": "admin"}, "action": "segment.create",
                 "resourceType": "segment", "resource": "beta testers", "environment": "staging", "before": null,
                 "after": {"key": "beta testers", "included": ["u1"]}}
                """));
        assertThat(e.created()).isTrue();
        assertThat(e.before()).isNull();
        assertThat(e.verb()).isEqualTo("created");
        assertThat(e.resourceUrl()).isEqualTo("/ui/segments/staging/beta%20testers");
        assertThat(e.changes()).extracting(HistoryEntry.DiffRow::kind).containsOnly("added");
    }

    @Test
    void anUnknownActionAndATenantAreShownAsTheyAre() {
        HistoryEntry e = HistoryEntry.of(StoredJson.parse("""
                {"id": 1, "at": "not a time", "actor": {"name": "bootstrap"}, "action": "tenant.create",
                 "resourceType": "tenant", "resource": "acme", "environment": null, "before": null,
                 "after": {"key": "acme"}}
                """));
        assertThat(e.at()).isEqualTo("not a time");
        assertThat(e.resourceUrl()).isNull();
        assertThat(e.environment()).isNull();
        assertThat(HistoryEntry.of(StoredJson.parse("{\"action\": \"x.frobnicate\"}")).verb()).isEqualTo("frobnicate");
    }
}
