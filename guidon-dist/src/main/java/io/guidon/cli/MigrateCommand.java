package io.guidon.cli;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.db.Migrations;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code guidon migrate}: applies the control plane's pending schema migrations. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        header = "Apply pending control-plane database migrations.",
        description = {"Brings the control plane's PostgreSQL schema up to this build's version.",
                "Refuses a database whose schema is newer than this build."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the schema is up to date", "1:failed (database, newer schema)",
                "2:wrong usage or an invalid setting"})
public final class MigrateCommand implements Callable<Integer> {

    @Mixin
    ControlPlaneOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ControlPlaneOptions.quietFlyway();
        ControlPlaneConfig.Loaded loaded = options.load(Map.of(), spec.commandLine().getErr());
        if (loaded == null) {
            return ControlPlaneOptions.INVALID_SETTING;
        }
        try {
            Migrations.Outcome outcome = new Migrations(loaded.config().database()).migrate();
            spec.commandLine().getOut().println(outcome.applied() == 0
                    ? "schema up to date at version " + outcome.after()
                    : "schema migrated from " + outcome.before() + " to " + outcome.after() + " (" + outcome.applied()
                            + " migrations)");
            return 0;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("guidon migrate: " + e.getMessage());
            return 1;
        }
    }
}
