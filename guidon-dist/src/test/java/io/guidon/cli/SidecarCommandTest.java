package io.guidon.cli;

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

    @Test
    void aBusyManagementPortStopsTheStartWithOneLineNamingItAndTheSetting() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            CliRun r = CliRun.of("sidecar", "--port", "0", "--set", "management.port=" + busy.getLocalPort(),
                    "--set", "http.event-loops=1");

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("guidon sidecar: cannot listen on 127.0.0.1:" + busy.getLocalPort()
                    + " (management.port): address already in use (another process listens there; choose another "
                    + "port)");
        }
    }
}
