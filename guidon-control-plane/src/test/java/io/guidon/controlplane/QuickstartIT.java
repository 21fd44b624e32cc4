package io.guidon.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first-flag commands, run as they are written (docs/examples/control-plane-first-flag.sh, plain
 * curl) against a real control plane with a tenant made by {@code guidon admin bootstrap}.
 */
class QuickstartIT {

    @Test
    void theReadmeCurlCommandsMakeAFlagThatTheSidecarThenReads() throws Exception {
        try (Harness cp = Harness.start(Map.of())) {
            String key = cp.bootstrap("acme");
            ProcessBuilder pb = new ProcessBuilder("bash", Path.of("docs/examples/control-plane-first-flag.sh")
                    .toAbsolutePath().toString()).redirectErrorStream(true);
            pb.environment().put("GUIDON_URL", "http://127.0.0.1:" + cp.port());
            pb.environment().put("GUIDON_KEY", key);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            String[] lines = out.trim().split("\n");
            String document = lines[lines.length - 1];
            assertThat(document).startsWith("{\"tenant\":\"acme\",\"environment\":\"production\"")
                    .contains("\"full\":true")
                    .contains("\"new-checkout\":{\"description\":\"New checkout flow\"")
                    .contains("\"enabled\":true")
                    .contains("\"rollout\":{\"on\":10,\"off\":90}");
        }
    }
}
