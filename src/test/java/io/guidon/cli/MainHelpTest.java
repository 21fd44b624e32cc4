package io.guidon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainHelpTest {

    @Test
    void helpListsEveryCommand() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("validate").contains("eval").contains("test").contains("--version");
    }

    @Test
    void eachCommandHelpListsItsOptions() {
        assertThat(CliRun.of("eval", "--help").out()).contains("--context").contains("--explain")
                .contains("--context-file").contains("--at");
        assertThat(CliRun.of("validate", "--help").out()).contains("--format").contains("Exit codes");
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun run = CliRun.of("frobnicate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("frobnicate");
    }
}
