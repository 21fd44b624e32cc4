package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.ChangeRequest;
import java.util.List;

/**
 * A change request's page (docs/adr/0115-approvals.md): what it changes (its diff against the current document, or
 * why it no longer applies), its exact change and hash, its approvals (each marked whether it counts) against the
 * {@code required} count, and the buttons the viewer may use: approve (an editor who is not its author; the form
 * sends the hash shown), withdraw one's approval, apply, rebase, close or withdraw, and an admin's bypass with its
 * reason.
 *
 * @param diff the readable changes applying it would make now (empty when it is not open)
 * @param diffProblem why it cannot be applied now, or null
 * @param notice what the last action did (a redirect's query), or null
 * @param error why the last action was refused, or null
 */
public record ChangeRequestView(Shell shell, ChangeRequest request, int required, List<HistoryEntry.DiffRow> diff,
        String diffProblem, String changeJson, String notice, String error, String reason, String myKeyId) {

    public boolean open() {
        return request.status() == ChangeRequest.Status.OPEN;
    }

    /** Whether the signed-in key proposed it. */
    public boolean mine() {
        return myKeyId != null && request.author().keyId() != null
                && myKeyId.equals(request.author().keyId().toString());
    }

    /** Whether the signed-in key has a live approval of it. */
    public boolean approvedByMe() {
        return myKeyId != null && request.approvals().stream().anyMatch(a -> a.withdrawnAt() == null
                && a.by().keyId() != null && myKeyId.equals(a.by().keyId().toString()));
    }

    public boolean canApprove() {
        return open() && shell.canEdit() && !mine() && !approvedByMe();
    }

    public String where() {
        return request.environment() == null ? "every environment" : request.environment();
    }

    /** "1 of 2 approvals". */
    public String progress() {
        return request.validApprovals() + " of " + required + " approval" + (required == 1 ? "" : "s");
    }

    /** What became of approval {@code a}: counts, withdrawn, of an earlier version, or by a revoked key. */
    public String state(ChangeRequest.Approval a) {
        if (a.withdrawnAt() != null) {
            return "withdrawn " + Moments.exact(a.withdrawnAt());
        }
        if (a.keyRevoked()) {
            return "does not count: the key is revoked";
        }
        if (!a.sha256().equals(request.sha256())) {
            return "does not count: given to an earlier version";
        }
        return "counts";
    }

    public String at(java.time.OffsetDateTime t) {
        return t == null ? "" : Moments.exact(t);
    }

    public String base() {
        StringBuilder b = new StringBuilder();
        request.baseVersions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> b.append(b.isEmpty() ? "" : ", ").append(e.getKey()).append(" at version ")
                        .append(e.getValue()));
        return b.isEmpty() ? "no environment requires approvals" : b.toString();
    }

    public String action(String what) {
        return "/ui/change-requests/" + request.id() + "/" + what;
    }
}
