package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.ChangeRequest;
import io.guidon.controlplane.domain.ProposedChange;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChangeRequestViewTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-01T10:00:00Z");
    private static final UUID ALICE = UUID.randomUUID();
    private static final UUID BOB = UUID.randomUUID();
    private static final ProposedChange CHANGE = new ProposedChange.Toggle("production", "checkout", true);

    private static ChangeRequestView view(UUID viewer, List<ChangeRequest.Approval> approvals) {
        ChangeRequest r = new ChangeRequest(3, "production", "flag", "checkout", CHANGE.toJson(), CHANGE.sha256(),
                Map.of("production", 41L), "turn on", "", ChangeRequest.Status.OPEN,
                new ChangeRequest.By(ALICE, "alice"), AT, AT, null, null, null, null, null, null, approvals);
        io.guidon.controlplane.auth.Session session = null;
        return new ChangeRequestView(new Shell("t", "changes", session, null), r, 2, List.of(), null, "{}", null,
                null, null, viewer.toString());
    }

    @Test
    void eachApprovalSaysWhetherItCountsAndWhy() {
        ChangeRequestView v = view(BOB, List.of(
                new ChangeRequest.Approval(new ChangeRequest.By(BOB, "bob"), CHANGE.sha256(), AT, null, false),
                new ChangeRequest.Approval(new ChangeRequest.By(UUID.randomUUID(), "carol"), "0".repeat(64), AT,
                        null, false),
                new ChangeRequest.Approval(new ChangeRequest.By(UUID.randomUUID(), "dave"), CHANGE.sha256(), AT,
                        null, true)));

        assertThat(v.request().approvals()).extracting(v::state).containsExactly("counts",
                "does not count: given to an earlier version", "does not count: the key is revoked");
        assertThat(v.progress()).isEqualTo("1 of 2 approvals");
        assertThat(v.approvedByMe()).isTrue();
        assertThat(v.mine()).isFalse();
        assertThat(v.base()).isEqualTo("production at version 41");
    }

    @Test
    void theAuthorIsNeverOfferedToApprove() {
        ChangeRequestView v = view(ALICE, List.of());

        assertThat(v.mine()).isTrue();
        assertThat(v.canApprove()).isFalse();
        assertThat(v.action("approve")).isEqualTo("/ui/change-requests/3/approve");
    }
}
