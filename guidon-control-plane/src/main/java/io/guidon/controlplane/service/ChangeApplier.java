package io.guidon.controlplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.DocumentChange;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.ProposedChange;
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
                    ifMatch, t.enabled() ? "flag.enable" : "flag.disable",
                    new DocumentChange.Toggle(t.flag(), t.enabled()), List.of()));
            case ProposedChange.Rollout r -> views.environmentFlag(flags.changeIn(tx, r.environment(), r.flag(),
                    ifMatch, "flag.rollout", new DocumentChange.Rollout(r.flag(), r.percentage(), r.weights(),
                            r.bucketBy() == null ? null : io.guidon.controlplane.domain.StoredJson.NODES
                                    .textNode(r.bucketBy())), List.of()));
            case ProposedChange.Configure c -> views.environmentFlag(flags.changeIn(tx, c.environment(), c.flag(),
                    ifMatch, "flag.configure", new DocumentChange.ConfigureFlag(c.flag(), c.config(), null),
                    List.of()));
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
}
