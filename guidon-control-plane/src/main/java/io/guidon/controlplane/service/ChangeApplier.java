package io.guidon.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.DocumentChange;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.json.Pointer;
import java.util.List;

/**
 * Applies a kept {@link ProposedChange} (a schedule's, an approved change request's, a rollout plan's step) inside a
 * {@link DocumentWriter} transaction, through the same write path as the admin API's direct routes: the same locks,
 * engine validation, version bump, audit entry (under the transaction's actor, whose {@code agent} says who acted)
 * and publication after the commit. Sequential code for a virtual thread; throws {@link DomainException} like the
 * direct routes (NOT_FOUND, STALE when {@code ifMatch} is not the resource's current revision, INVALID when the
 * change no longer fits the document), and the caller's transaction then rolls back.
 */
final class ChangeApplier {

    private final FlagService flags;
    private final SegmentService segments;
    private final ResourceViews views;

    ChangeApplier(FlagService flags, SegmentService segments, ResourceViews views) {
        this.flags = flags;
        this.segments = segments;
        this.views = views;
    }

    /**
     * Applies {@code change} in {@code tx}; {@code ifMatch} the revision the resource must still be at (null: on top
     * of whatever it is now).
     *
     * @return the resource as it is after the change, in the admin API's shape (null for a deletion)
     */
    JsonNode apply(DocumentWriter.Tx tx, ProposedChange change, Integer ifMatch) {
        return switch (change) {
            case ProposedChange.Toggle t -> views.environmentFlag(flags.changeIn(tx, t.environment(), t.flag(),
                    ifMatch, t.enabled() ? "flag.enable" : "flag.disable", inEnvironment(t), List.of()));
            case ProposedChange.Rollout r -> views.environmentFlag(flags.changeIn(tx, r.environment(), r.flag(),
                    ifMatch, "flag.rollout", inEnvironment(r), List.of()));
            case ProposedChange.Configure c -> views.environmentFlag(flags.changeIn(tx, c.environment(), c.flag(),
                    ifMatch, "flag.configure", inEnvironment(c), List.of()));
            case ProposedChange.UpdateFlag u -> views.flag(flags.updateIn(tx, u.flag(), ifMatch,
                    new FlagFields(u.name(), u.description(), u.tags(), u.variants(), u.metadata(), u.salt()),
                    List.of()));
            case ProposedChange.DeleteFlag d -> {
                flags.deleteIn(tx, d.flag(), ifMatch);
                yield null;
            }
            case ProposedChange.PutSegment p -> views.segment(p.environment(), segments.putIn(tx, p.environment(),
                    p.segment(), p.create(), ifMatch, p.description() == null ? "" : p.description(),
                    p.definition(), List.of()));
            case ProposedChange.DeleteSegment d -> {
                segments.deleteIn(tx, d.environment(), d.segment(), ifMatch);
                yield null;
            }
        };
    }

    /** Where a checked change would apply: its environment's id, the flag's id, and the revision it is at now. */
    record Base(long environmentId, long resourceId, int revision) {
    }

    /**
     * Checks in {@code tx}, writing nothing, that {@code change} applies to the current document as {@link #apply}
     * would apply it now: the same locks and lookups (NOT_FOUND), {@code ifMatch} (STALE), then the engine's
     * validation of the changed document. INVALID lists {@code requestViolations} (the request's own, placed in
     * the request) and then the engine's, which are relative to the change (as the direct routes answer them) and
     * so are placed under {@code at}, where the request holds the change. A change of a flag in an environment
     * only, for now (toggle, rollout, configuration); the other kinds are {@link IllegalArgumentException}s.
     *
     * @return what the change is based on: the revision a kept change records
     */
    Base check(DocumentWriter.Tx tx, ProposedChange change, Integer ifMatch, List<Violation> requestViolations,
            Pointer at) {
        DocumentChange inEnvironment = switch (change) {
            case ProposedChange.Toggle t -> inEnvironment(t);
            case ProposedChange.Rollout r -> inEnvironment(r);
            case ProposedChange.Configure c -> inEnvironment(c);
            default -> throw new IllegalArgumentException("a " + change.kind() + " cannot be checked ahead yet");
        };
        FlagService.Checked checked = flags.checkIn(tx, change.environment(), change.resourceKey(), ifMatch,
                inEnvironment, requestViolations, at);
        return new Base(checked.environment().id(), checked.current().definition().id(),
                checked.current().revision());
    }

    /** The change of a flag's configuration in one environment that {@code change} makes. */
    private static DocumentChange inEnvironment(ProposedChange change) {
        return switch (change) {
            case ProposedChange.Toggle t -> new DocumentChange.Toggle(t.flag(), t.enabled());
            case ProposedChange.Rollout r -> new DocumentChange.Rollout(r.flag(), r.percentage(), r.weights(),
                    r.bucketBy() == null ? null : StoredJson.NODES.textNode(r.bucketBy()));
            case ProposedChange.Configure c -> new DocumentChange.ConfigureFlag(c.flag(), c.config(), null);
            default -> throw new IllegalArgumentException(change.kind() + " is not a change in one environment");
        };
    }
}
