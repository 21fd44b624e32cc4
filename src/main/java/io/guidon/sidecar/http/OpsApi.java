package io.guidon.sidecar.http;

import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.guidon.sidecar.UpstreamStatus;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process answers; with the flag set's version and age and, in connected mode, the state of
 * the control plane and Redis connections) and {@code /readyz} (a flag set is loaded and we are not draining;
 * nothing upstream counts).
 */
final class OpsApi {

    private final FlagStore store;
    private final BooleanSupplier draining;
    private final UpstreamStatus upstream;
    private final Clock clock;

    OpsApi(FlagStore store, BooleanSupplier draining, UpstreamStatus upstream, Clock clock) {
        this.store = store;
        this.draining = draining;
        this.upstream = upstream;
        this.clock = clock;
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
