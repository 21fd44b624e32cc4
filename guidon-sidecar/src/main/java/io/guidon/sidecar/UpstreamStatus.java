package io.guidon.sidecar;

import java.util.Map;

/**
 * What the sidecar knows about the systems it depends on, for {@code /healthz} and the metrics. Contract:
 * {@link #status()} is cheap, never blocks, and returns JSON-shaped values (maps, strings, numbers,
 * booleans). Readiness never depends on it: a sidecar with a flag set serves, whatever is upstream.
 */
public interface UpstreamStatus {

    Map<String, Object> status();

    /**
     * The flag set served, as {@code <tenant>/<environment>} ({@code feature_flag.set.id} of evaluation events), or
     * null when there is none (standalone mode, or before the first fetch). Cheap; read off the evaluation path.
     */
    default String flagSetId() {
        return null;
    }

    UpstreamStatus STANDALONE = () -> Map.of("mode", "standalone");
}
