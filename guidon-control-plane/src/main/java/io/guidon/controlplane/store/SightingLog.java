package io.guidon.controlplane.store;

import io.guidon.controlplane.domain.Sighting;
import io.guidon.controlplane.domain.SidecarSighting;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** Where sightings of sidecar instances are kept (the {@code sidecar_sightings} table; in memory in tests). */
public interface SightingLog {

    /**
     * Writes {@code sightings} (at most one per environment and instance): a new instance is inserted, a known one
     * takes the newer of its stored and given last sighting, keeping its first-seen time. Sightings of environments
     * that no longer exist are left out.
     */
    Future<Void> write(List<Sighting> sightings);

    /** Forgets the instances last seen before {@code cutoff}; yields how many. */
    Future<Long> prune(Instant cutoff);

    /**
     * The tenant's instances, of environment {@code environmentId} (null: of every environment), last seen first,
     * at most {@code limit}.
     */
    Future<List<SidecarSighting>> list(long tenantId, Long environmentId, int limit);

    /** How many instances {@link #list} would list without a limit. */
    Future<Long> count(long tenantId, Long environmentId);
}
