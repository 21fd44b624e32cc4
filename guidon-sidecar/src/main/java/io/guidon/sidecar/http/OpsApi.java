package io.guidon.sidecar.http;

import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.guidon.sidecar.UpstreamStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process answers; with the flag set's version and age and, in connected mode, the state of
 * the control plane and Redis connections) and {@code /readyz} (a flag set is loaded and we are not draining;
 * nothing upstream counts). Both read memory only, so a flood of probes costs no I/O. They answer on the API port
 * (where deployments probe them) and on the management port, which also serves {@code /metrics}.
 */
public final class OpsApi {

    private final FlagStore store;
    private final BooleanSupplier draining;
    private final UpstreamStatus upstream;
    private final Clock clock;

    public OpsApi(FlagStore store, BooleanSupplier draining, UpstreamStatus upstream, Clock clock) {
        this.store = store;
        this.draining = draining;
        this.upstream = upstream;
        this.clock = clock;
    }

    /**
     * The routes of the management port: {@link #register} and {@code GET /metrics} ({@code metrics}), for
     * {@code io.guidon.common.ops.ManagementServer}.
     */
    public java.util.function.Consumer<Router> managementRoutes(io.vertx.core.Handler<RoutingContext> metrics) {
        return router -> {
            register(router);
            router.get("/metrics").handler(metrics);
        };
    }

    /** Adds {@code GET /healthz} and {@code GET /readyz} (and HEAD of each) to {@code router}. */
    public void register(Router router) {
        SidecarVerticle.get(router, "/healthz").handler(this::health);
        SidecarVerticle.get(router, "/readyz").handler(this::ready);
    }

    void health(RoutingContext ctx) {
        Snapshot s = store.current();
        StringBuilder sb = new StringBuilder("{\"status\":\"UP\",\"flagSet\":");
        if (s == null) {
            sb.append("null");
        } else {
            sb.append("{\"version\":").append(s.version()).append(",\"flags\":").append(s.flags().size())
                    .append(",\"loadedAt\":\"").append(s.loadedAt()).append("\",\"ageSeconds\":")
                    .append((clock.millis() - s.loadedAt().toEpochMilli()) / 1000).append(",\"origin\":");
            JsonText.string(sb, s.origin()).append('}');
        }
        sb.append(",\"upstream\":").append(JsonText.value(upstream.status()));
        Http.json(ctx, 200, sb.append('}'));
    }

    void ready(RoutingContext ctx) {
        Snapshot s = store.current();
        if (draining.getAsBoolean()) {
            Http.json(ctx, 503, "{\"status\":\"NOT_READY\",\"reason\":\"shutting down\"}");
        } else if (s == null) {
            Http.json(ctx, 503, "{\"status\":\"NOT_READY\",\"reason\":\"no flag set loaded yet\"}");
        } else {
            Http.json(ctx, 200, "{\"status\":\"READY\",\"version\":" + s.version() + "}");
        }
    }
}
