package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.testing.CliRun;
import org.junit.jupiter.api.Test;

/** {@code guidon sidecar} on the command line, in-process: options and configuration errors (exit code 2). */
class SidecarCommandTest {

    @Test
    void helpListsTheOptions() {
        CliRun r = CliRun.of("sidecar", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--flags=FILE").contains("--port=N").contains("--config=FILE")
                .contains("--set=KEY=VALUE").contains("--host=ADDRESS");
    }

    @Test
    void nonNumericPortIsAUsageErrorNamingTheSetting() {
        CliRun r = CliRun.of("sidecar", "--port", "abc");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid configuration")
                .contains("http.port: must be a whole number from 0 to 65535, not 'abc' (from the command line)");
    }

    @Test
    void unknownSetSettingIsAUsageError() {
        CliRun r = CliRun.of("sidecar", "--set", "http.prot=8080", "--set", "flags.watch-interval=1ms");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("http.prot: unknown setting").contains("flags.watch-interval: must be at least");
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("sidecar", "--prot", "8080");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--prot");
    }
}
