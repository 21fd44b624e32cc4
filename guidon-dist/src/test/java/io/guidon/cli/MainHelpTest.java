package io.guidon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.testing.CliRun;
import org.junit.jupiter.api.Test;

class MainHelpTest {

    @Test
    void helpListsEveryCommand() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("validate").contains("eval").contains("test").contains("--version")
                .contains("control-plane").contains("migrate").contains("admin");
    }

    @Test
    void eachCommandHelpListsItsOptions() {
        assertThat(CliRun.of("eval", "--help").out()).contains("--context").contains("--explain")
                .contains("--context-file").contains("--at");
        assertThat(CliRun.of("validate", "--help").out()).contains("--format").contains("Exit codes");
        assertThat(CliRun.of("control-plane", "--help").out()).contains("--config").contains("--port")
                .contains("--set").contains("Exit codes");
        assertThat(CliRun.of("migrate", "--help").out()).contains("--config").contains("--set");
        assertThat(CliRun.of("admin", "bootstrap", "--help").out()).contains("--tenant").contains("--key-name")
                .contains("--config");
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun run = CliRun.of("frobnicate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("frobnicate");
    }
}
