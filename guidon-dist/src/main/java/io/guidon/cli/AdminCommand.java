package io.guidon.cli;

import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.ControlPlaneMain;
import io.guidon.controlplane.api.Responses;
import io.guidon.controlplane.auth.ApiKeys;
import io.guidon.controlplane.db.Migrations;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.service.KeyService;
import io.guidon.controlplane.store.PgAuditLog;
import io.guidon.engine.FlagDocumentCompiler;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code guidon admin ...}: administration that needs no running control plane. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        header = "Administer the control plane's database directly (bootstrap a tenant).",
        subcommands = AdminCommand.Bootstrap.class)
public final class AdminCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code guidon admin bootstrap --tenant KEY}: a new tenant and its first admin key, printed once. */
    @Command(name = "bootstrap", mixinStandardHelpOptions = true,
            header = "Create a tenant and its first admin API key (printed once).",
            description = {"Connects to the database of the control plane's configuration, applies pending",
                    "migrations, creates the tenant and an admin key, and prints the key. It is shown only",
                    "this once: store it in a secret manager."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:created", "1:failed (the tenant exists, database)",
                    "2:wrong usage or an invalid setting"})
    public static final class Bootstrap implements Callable<Integer> {

        @Mixin
        ControlPlaneOptions options;

        @Option(names = "--tenant", required = true, paramLabel = "KEY",
                description = "The tenant's key: 1 to 128 of a-z, 0-9, '.', '_', '-'.")
        String tenant;

        @Option(names = "--name", paramLabel = "NAME", description = "The tenant's display name (default: its key).")
        String name;

        @Option(names = "--key-name", paramLabel = "NAME", defaultValue = "bootstrap admin",
                description = "Name of the admin key (default: ${DEFAULT-VALUE}).")
        String keyName;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!FlagDocumentCompiler.KEY.matcher(tenant).matches()) {
                err.println("guidon admin bootstrap: invalid tenant key '" + tenant
                        + "': use 1 to 128 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
                return 2;
            }
            ControlPlaneOptions.quietFlyway();
            ControlPlaneConfig.Loaded loaded = options.load(Map.of(), err);
            if (loaded == null) {
                return ControlPlaneOptions.INVALID_SETTING;
            }
            try {
                new Migrations(loaded.config().database()).migrate();
            } catch (RuntimeException e) {
                err.println("guidon admin bootstrap: " + e.getMessage());
                return 1;
            }
            Vertx vertx = Vertx.vertx();
            Pool pool = ControlPlaneMain.pool(vertx, loaded.config().database());
            try {
                // The audit log records the admin key as the admin API shows keys (api.Responses).
                KeyService keys = KeyService.standalone(pool, new PgAuditLog(pool), new ApiKeys(), new Responses());
                // The service is sequential code that awaits each statement: on a virtual thread of its own here.
                KeyService.Bootstrapped b = CompletableFuture.supplyAsync(
                        () -> keys.bootstrap(tenant, name == null ? tenant : name, keyName),
                        r -> Thread.ofVirtual().name("guidon-bootstrap").start(r)).get(30, TimeUnit.SECONDS);
                out.println("Created tenant '" + b.tenant() + "' and its admin key '" + keyName + "'"
                        + " (id " + b.adminKey().info().id() + ").");
                out.println("The key is shown only this once; store it now:");
                out.println();
                out.println(b.adminKey().key());
                out.flush();
                return 0;
            } catch (ExecutionException e) {
                String why = why(e.getCause());
                err.println("guidon admin bootstrap: " + why);
                return 1;
            } finally {
                pool.close();
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** What to tell the operator: the detail of the domain error in {@code failure}'s causes, else the failure. */
    static String why(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DomainException d) {
                return d.detail();
            }
        }
        return String.valueOf(failure);
    }
}
