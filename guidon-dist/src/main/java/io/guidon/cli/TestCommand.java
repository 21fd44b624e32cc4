package io.guidon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Listed so that {@code guidon --help} shows every command. The test suite needs the sources and Maven, which the
 * jar does not have, so the {@code ./guidon} launcher script runs it itself and never reaches this class.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        header = "Run the test suite (launcher only), starting PostgreSQL and Redis if needed.",
        description = {"Runs the whole test suite (./mvnw -B verify) after making sure PostgreSQL and Redis",
                "answer on 127.0.0.1 (starting them, or installing them with apt-get when run as root).",
                "Handled by the ./guidon launcher script in a source checkout."})
public final class TestCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println(
                "'test' runs from a source checkout: use ./guidon test there (it needs the sources and Maven).");
        return 2;
    }
}
