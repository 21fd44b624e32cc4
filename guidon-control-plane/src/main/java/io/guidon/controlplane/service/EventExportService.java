package io.guidon.controlplane.service;

import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.ExportedEvent;
import io.guidon.controlplane.domain.ExportedEvent.Kind;
import io.guidon.controlplane.domain.ExportedEvent.Position;
import io.guidon.controlplane.store.EventExportRepository;
import java.time.Instant;

/**
 * The export of raw events (docs/events-export.md "Export API"): a page of an environment's events of one kind in a
 * time range, in a stable order, for warehouse loads. {@link #page} finds the environment (404 when the tenant has
 * none of that key) and where the page ends; {@link #stream} then writes its rows. Both must run on a Vert.x virtual
 * thread.
 */
public final class EventExportService {

    private final EventExportRepository events;
    private final EnvironmentService environments;

    public EventExportService(EventExportRepository events, EnvironmentService environments) {
        this.events = events;
        this.environments = environments;
    }

    /** A page about to be streamed: its environment, and where the next page starts (null for the last page). */
    public record Page(Environment environment, Position next) {
    }

    /** The page of at most {@code limit} rows from {@code start} (included) up to {@code to} (excluded). */
    public Page page(long tenantId, Kind kind, String environmentKey, Position start, Instant to, int limit) {
        Environment env = environments.get(tenantId, environmentKey);
        return new Page(env, events.pageEnd(kind, tenantId, env.id(), start, to, limit));
    }

    /** Writes the rows of {@code page} from {@code start} to {@code sink}, {@code fetch} per chunk; the rows written. */
    public long stream(long tenantId, Kind kind, Page page, Position start, Instant to, int fetch,
            ExportedEvent.Sink sink) {
        return events.stream(kind, tenantId, page.environment().id(), start, page.next(), to, fetch, sink);
    }
}
