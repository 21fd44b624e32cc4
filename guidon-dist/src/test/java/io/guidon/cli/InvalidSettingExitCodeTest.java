package io.guidon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.testing.CliRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command that takes settings answers an invalid one the same way: every problem named on stderr, exit code 2
 * (as for any other usage error), before it connects to anything.
 */
class InvalidSettingExitCodeTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sidecar", "control-plane", "migrate", "admin bootstrap --tenant t"})
    void anUnknownOrInvalidSettingExitsWith2NamingEachProblem(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--set", "http.prot=1", "--set", "management.metrics-max-age=soon"));

        CliRun r = CliRun.of(args);

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("http.prot: unknown setting (given on the command line)")
                .contains("management.metrics-max-age: must be a duration");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sidecar", "control-plane"})
    void theManagementPortMustDifferFromTheApiPort(String command) {
        CliRun r = CliRun.of(command, "--port", "9999", "--set", "management.port=9999");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("management.port: must differ from http.port (9999)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sidecar", "control-plane"})
    void aRenamedSettingIsAcceptedAndAnInvalidValueUnderItNamesTheNewKey(String command) {
        CliRun r = CliRun.of(command, "--set", "http.instances=-1");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("http.event-loops: must be from 0 to 256, not -1 (from the command line)")
                .doesNotContain("unknown setting");
    }
}
