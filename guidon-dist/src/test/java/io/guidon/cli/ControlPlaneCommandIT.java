package io.guidon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.Harness;
import io.guidon.controlplane.TestDatabase;
import io.guidon.testing.CliRun;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code guidon control-plane} in-process: a port in use stops the start with one line naming it and its setting. */
class ControlPlaneCommandIT {

    static TestDatabase db;

    @BeforeAll
    static void database() {
        db = TestDatabase.create();
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static CliRun controlPlane(String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("control-plane",
                "--set", "database.url=" + db.url(), "--set", "database.user=" + TestDatabase.USER,
                "--set", "database.password=" + TestDatabase.PASSWORD,
                "--set", "redis.url=redis://" + Harness.REDIS_HOST + ":" + Harness.REDIS_PORT,
                "--set", "redis.prefix=guidon-busy-it", "--set", "http.event-loops=1"));
        args.addAll(java.util.List.of(more));
        return CliRun.of(args);
    }

    @Test
    void aBusyApiPortIsNamedWithItsSetting() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            CliRun r = controlPlane("--port", String.valueOf(busy.getLocalPort()), "--set", "management.port=0");

            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("guidon control-plane: cannot listen on 127.0.0.1:"
                    + busy.getLocalPort() + " (http.port): address already in use (another process listens there; "
                    + "choose another port)");
        }
    }

    @Test
    void aBusyManagementPortIsNamedWithItsSetting() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            CliRun r = controlPlane("--port", "0", "--set", "management.port=" + busy.getLocalPort());

            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("guidon control-plane: cannot listen on 127.0.0.1:"
                    + busy.getLocalPort() + " (management.port): address already in use (another process listens "
                    + "there; choose another port)");
        }
    }
}
