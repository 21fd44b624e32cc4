package io.guidon;

import io.guidon.cli.AdminCommand;
import io.guidon.cli.ControlPlaneCommand;
import io.guidon.cli.DemoCommand;
import io.guidon.cli.EvalCommand;
import io.guidon.cli.MigrateCommand;
import io.guidon.cli.TestCommand;
import io.guidon.cli.ValidateCommand;
import io.guidon.cli.SidecarCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code guidon} command line: one jar, one subcommand per job. */
@Command(name = "guidon",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Guidon feature flags: evaluation engine, sidecar and control plane.",
        subcommands = {ValidateCommand.class, EvalCommand.class, SidecarCommand.class, ControlPlaneCommand.class,
                MigrateCommand.class, AdminCommand.class, DemoCommand.class, TestCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run './guidon COMMAND --help' for the options of a command."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 success, 1 a failed check, 2 a usage error). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"guidon " + (v == null ? "(development build)" : v)
                    + " on Java " + Runtime.version()};
        }
    }
}
