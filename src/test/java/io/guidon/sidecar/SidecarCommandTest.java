package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code guidon sidecar} on the command line, in-process: options and configuration errors (exit code 2). */
class SidecarCommandTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheOptions() {
        Run r = run("sidecar", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--flags=FILE").contains("--port=N").contains("--config=FILE")
                .contains("--set=KEY=VALUE").contains("--host=ADDRESS");
    }

    @Test
    void nonNumericPortIsAUsageErrorNamingTheSetting() {
        Run r = run("sidecar", "--port", "abc");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid configuration")
                .contains("http.port: must be a whole number from 0 to 65535, not 'abc' (from the command line)");
    }

    @Test
    void unknownSetSettingIsAUsageError() {
        Run r = run("sidecar", "--set", "http.prot=8080", "--set", "flags.watch-interval=1ms");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("http.prot: unknown setting").contains("flags.watch-interval: must be at least");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("sidecar", "--prot", "8080");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--prot");
    }
}
