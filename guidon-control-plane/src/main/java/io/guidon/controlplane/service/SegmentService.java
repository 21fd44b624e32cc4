package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.DocumentChange;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Segment;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.domain.Actor;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.store.RowLock;
import io.guidon.controlplane.store.SegmentRepository;
import java.util.List;

/**
 * Segments of an environment: reading, listing, creating or replacing (validated by the engine in the environment's
 * document before anything is written) and deleting (refused while a flag still uses the segment). Sequential code
 * for a virtual thread; throws {@link DomainException}.
 */
public final class SegmentService {

    private final DocumentWriter writer;
    private final EnvironmentRepository environments;
    private final SegmentRepository segments;
    private final ResourceViews views;

    SegmentService(DocumentWriter writer, EnvironmentRepository environments, SegmentRepository segments,
            ResourceViews views) {
        this.writer = writer;
        this.environments = environments;
        this.segments = segments;
        this.views = views;
    }

    private static Segment found(Segment s, String key) {
        if (s == null) {
            throw DomainException.notFound("no segment '" + key + "'");
        }
        return s;
    }

    /** Segment {@code key} of environment {@code envKey}; NOT_FOUND for either. */
    public Segment get(long tenantId, String envKey, String key) {
        Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
        return found(await(segments.find(tenantId, env.id(), key)), key);
    }

    /** A page of environment {@code envKey}'s segments (NOT_FOUND if none), by key, {@code q} in key or description. */
    public Page<Segment> list(long tenantId, String envKey, String q, String after, int limit) {
        Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
        return await(segments.page(tenantId, env.id(), q, after, limit));
    }

    /**
     * Creates ({@code create}) or replaces a segment; {@code definition} holds included, excluded and rules. A null
     * {@code key} (only when creating) must come with the request's violation saying so: the segment is then judged
     * under a stand-in key and refused. NOT_FOUND for a missing environment or segment, CONFLICT for an existing
     * one (creating), STALE for a stale {@code ifMatch}, INVALID with the request's and the engine's violations.
     */
    public Segment put(Actor actor, String envKey, String key, boolean create, Integer ifMatch, String description,
            ObjectNode definition, List<Violation> requestViolations) {
        if (key == null && (!create || requestViolations.isEmpty())) {
            throw new IllegalArgumentException("a segment without a key needs the request's violation saying so");
        }
        String text = description == null ? "" : description;
        return writer.write(actor, tx -> putIn(tx, envKey, key, create, ifMatch, text, definition,
                requestViolations));
    }

    /** {@link #put} inside a caller's transaction, under its actor ({@code description} not null). */
    Segment putIn(DocumentWriter.Tx tx, String envKey, String key, boolean create, Integer ifMatch, String text,
            ObjectNode definition, List<Violation> requestViolations) {
        Actor actor = tx.actor;
        Environment env = EnvironmentService.found(
                await(environments.find(tx.c, actor.tenantId(), envKey, RowLock.CHANGE)), envKey);
        Segment before = null;
        if (key != null && create) {
            if (await(segments.find(tx.c, actor.tenantId(), env.id(), key)) != null) {
                throw DomainException.conflict("segment '" + key + "' already exists");
            }
        } else if (key != null) {
            before = found(await(segments.find(tx.c, actor.tenantId(), env.id(), key)), key);
            DocumentWriter.checkRevision(ifMatch, before.revision(), "segment '" + key + "'");
        }
        DocumentChange change = new DocumentChange.PutSegment(new Segment(0, key, text, definition, 0, null,
                null));
        List<DocumentWriter.Prepared> prepared = writer.prepare(tx, List.of(env), change, requestViolations);
        writer.commit(tx, prepared, change);
        Segment row = create ? await(segments.insert(tx.c, actor.tenantId(), env.id(), key, text, definition))
                : await(segments.update(tx.c, before.id(), text, definition));
        tx.audit(create ? "segment.create" : "segment.update", "segment", key, env.key(),
                before == null ? null : views.segment(env.key(), before), views.segment(env.key(), row));
        return row;
    }

    /** Deletes a segment; NOT_FOUND, STALE, or INVALID naming the flags that still use it. */
    public void delete(Actor actor, String envKey, String key, Integer ifMatch) {
        writer.write(actor, tx -> {
            deleteIn(tx, envKey, key, ifMatch);
            return null;
        });
    }

    /** {@link #delete} inside a caller's transaction, under its actor. */
    void deleteIn(DocumentWriter.Tx tx, String envKey, String key, Integer ifMatch) {
        Actor actor = tx.actor;
        Environment env = EnvironmentService.found(
                await(environments.find(tx.c, actor.tenantId(), envKey, RowLock.CHANGE)), envKey);
        Segment before = found(await(segments.find(tx.c, actor.tenantId(), env.id(), key)), key);
        DocumentWriter.checkRevision(ifMatch, before.revision(), "segment '" + key + "'");
        DocumentChange change = new DocumentChange.DeleteSegment(key);
        List<DocumentWriter.Prepared> prepared = writer.prepare(tx, List.of(env), change, List.of());
        writer.commit(tx, prepared, change);
        await(segments.delete(tx.c, before.id()));
        tx.audit("segment.delete", "segment", key, env.key(), views.segment(env.key(), before), null);
    }
}
