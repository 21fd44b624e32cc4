package io.guidon.controlplane;

import io.guidon.common.config.Settings;
import io.guidon.sidecar.SidecarConfig;
import io.guidon.sidecar.SidecarMain;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real connected sidecars, in-process, for the system tests that need one beside a {@link Harness}. */
public final class ConnectedSidecars {

    private ConnectedSidecars() {
    }

    /**
     * The settings of a sidecar of {@code cp} with {@code sidecarKey}: ephemeral ports, one event loop, a short grace
     * period, its cache in {@code cache}; {@code overrides} add to them or replace them.
     */
    public static Map<String, String> settings(Harness cp, String sidecarKey, Path cache,
            Map<String, String> overrides) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("http.port", "0");
        o.put("http.event-loops", "1");
        o.put("management.port", "0");
        o.put("shutdown.grace-period", "1s");
        o.put("control-plane.url", "http://127.0.0.1:" + cp.port());
        o.put("control-plane.sidecar-key", sidecarKey);
        o.put("cache.dir", cache.toString());
        o.putAll(overrides);
        return o;
    }

    /** Starts a sidecar with {@link #settings}; completes once it serves (within 30 s). */
    public static SidecarMain start(Harness cp, String sidecarKey, Path cache, Map<String, String> overrides)
            throws Exception {
        SidecarMain sidecar = new SidecarMain(SidecarConfig.from(Settings.load(SidecarConfig.DEFAULTS, null, Map.of(),
                settings(cp, sidecarKey, cache, overrides))), Clock.systemUTC());
        sidecar.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return sidecar;
    }
}
