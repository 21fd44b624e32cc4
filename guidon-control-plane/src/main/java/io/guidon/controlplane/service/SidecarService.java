package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.domain.SidecarSighting;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.SightingLog;
import io.vertx.core.Future;

/**
 * Which sidecar instances (and in-process providers) fetched a tenant's flags recently, the version each holds and
 * when each was last seen: what {@code snapshots.SightingBuffer} noted of their fetches, up to a few seconds late
 * ({@code sidecar.sightings-flush-interval}), for {@code sidecar.sightings-retention}. Sequential code for a virtual
 * thread; throws {@link DomainException}.
 */
public final class SidecarService {

    private final EnvironmentRepository environments;
    private final SightingLog sightings;

    SidecarService(EnvironmentRepository environments, SightingLog sightings) {
        this.environments = environments;
        this.sightings = sightings;
    }

    /**
     * The tenant's instances that fetched environment {@code envKey}'s flags (null: any environment's), last seen
     * first: at most {@code limit} of them, with how many there are in all ({@link Page#nextAfter()} is null: the
     * order moves with every fetch, so there is no cursor). NOT_FOUND for an unknown environment.
     */
    public Page<SidecarSighting> list(long tenantId, String envKey, int limit) {
        Long envId = null;
        if (envKey != null) {
            Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
            envId = env.id();
        }
        Future<java.util.List<SidecarSighting>> items = sightings.list(tenantId, envId, limit);
        Future<Long> total = sightings.count(tenantId, envId);
        await(Future.all(items, total));
        return new Page<>(items.result(), total.result(), null);
    }
}
