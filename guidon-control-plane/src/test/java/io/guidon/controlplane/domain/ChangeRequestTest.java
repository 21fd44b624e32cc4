package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChangeRequestTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-01T10:00:00Z");
    private static final ProposedChange CHANGE = new ProposedChange.Toggle("production", "checkout", true);

    private static ChangeRequest.Approval approval(String sha, OffsetDateTime withdrawn, boolean revoked) {
        return new ChangeRequest.Approval(new ChangeRequest.By(UUID.randomUUID(), "bob"), sha, AT, withdrawn,
                revoked);
    }

    private static ChangeRequest request(List<ChangeRequest.Approval> approvals) {
        return new ChangeRequest(1, "production", "flag", "checkout", CHANGE.toJson(), CHANGE.sha256(),
                Map.of("production", 4L), "t", "", ChangeRequest.Status.OPEN,
                new ChangeRequest.By(UUID.randomUUID(), "alice"), AT, AT, null, null, null, null, null, null,
                approvals);
    }

    @Test
    void theHashIsTheProposedChangesHashOfTheSameStoredText() {
        assertThat(ChangeRequest.sha256(CHANGE.toJson())).isEqualTo(CHANGE.sha256()).matches("[0-9a-f]{64}");
        assertThat(ChangeRequest.sha256(new ProposedChange.Toggle("production", "checkout", false).toJson()))
                .isNotEqualTo(CHANGE.sha256());
    }

    @Test
    void onlyALiveApprovalOfTheCurrentHashByAKeyNotRevokedCounts() {
        ChangeRequest r = request(List.of(approval(CHANGE.sha256(), null, false),
                approval(CHANGE.sha256(), AT, false), approval(CHANGE.sha256(), null, true),
                approval("0".repeat(64), null, false)));

        assertThat(r.validApprovals()).isEqualTo(1);
        assertThat(r.approvals()).extracting(a -> a.counts(r.sha256())).containsExactly(true, false, false, false);
    }
}
