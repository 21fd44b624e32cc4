package io.guidon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.common.config.Settings;
import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.cli.SidecarCommand;
import io.guidon.sidecar.SidecarConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import picocli.CommandLine;

/**
 * The documented precedence holds for every key that has an option of its own, in both servers: defaults <
 * {@code --config} file < {@code GUIDON_*} environment < {@code --set} < the option. Each case gives the key in a
 * random subset of the layers, each with its own value, and the effective value is the one of the highest layer
 * given (the default when none is).
 */
class SettingsPrecedenceProperties {

    /** A server command: how to parse its arguments, its defaults, and its keys with options and their names. */
    record Server(String name, String defaults, Supplier<Object> command, Map<String, String> optionOfKey) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Server SIDECAR = new Server("sidecar", SidecarConfig.DEFAULTS, SidecarCommand::new, Map.of(
            "flags.file", "--flags", "http.port", "--port", "http.host", "--host",
            "control-plane.url", "--control-plane", "control-plane.sidecar-key", "--sidecar-key",
            "redis.url", "--redis", "cache.dir", "--cache-dir"));
    static final Server CONTROL_PLANE = new Server("control-plane", ControlPlaneConfig.DEFAULTS,
            ControlPlaneCommand::new, Map.of("http.port", "--port", "http.host", "--host"));

    record Case(Server server, String key, boolean file, boolean env, boolean set, boolean option) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Server> servers = Arbitraries.of(SIDECAR, CONTROL_PLANE);
        return servers.flatMap(server -> Combinators.combine(
                Arbitraries.of(new ArrayList<>(server.optionOfKey().keySet())),
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as((key, file, env, set, option) ->
                new Case(server, key, file, env, set, option)));
    }

    @Property(tries = 200)
    void theHighestLayerGivenWinsForEveryKeyWithAnOption(@ForAll("cases") Case c) throws IOException {
        Path file = null;
        if (c.file()) {
            file = Files.createTempFile("guidon-precedence", ".yaml");
            String[] parts = c.key().split("\\.");
            Files.writeString(file, parts[0] + ":\n  " + parts[1] + ": \"from-file\"\n");
        }
        try {
            Map<String, String> env = c.env() ? Map.of(Settings.envName(c.key()), "from-env") : Map.of();
            List<String> args = new ArrayList<>();
            if (c.set()) {
                args.add("--set");
                args.add(c.key() + "=from-set");
            }
            if (c.option()) {
                args.add(c.server().optionOfKey().get(c.key()));
                args.add("from-option");
            }
            Map<String, String> overrides = overrides(c.server(), args);
            Settings s = Settings.load(c.server().defaults(), file, env, overrides);

            String expected = c.option() ? "from-option" : c.set() ? "from-set" : c.env() ? "from-env"
                    : c.file() ? "from-file" : Settings.load(c.server().defaults(), null, Map.of(), Map.of())
                            .string(c.key());
            assertThat(s.string(c.key())).as("%s %s", c.server(), c).isEqualTo(expected);
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Parses {@code args} as the server's command does and returns the settings its command line gives. */
    private static Map<String, String> overrides(Server server, List<String> args) {
        Object command = server.command().get();
        new CommandLine(command).parseArgs(args.toArray(new String[0]));
        if (command instanceof SidecarCommand sidecar) {
            return sidecar.overrides();
        }
        return ((ControlPlaneCommand) command).overrides();
    }

    @Property(tries = 1)
    void everyOptionThatNamesASettingIsCovered() {
        assertThat(new SidecarCommand().dedicatedOptions().keySet())
                .containsExactlyInAnyOrderElementsOf(SIDECAR.optionOfKey().keySet());
        assertThat(new ControlPlaneCommand().dedicatedOptions().keySet())
                .containsExactlyInAnyOrderElementsOf(CONTROL_PLANE.optionOfKey().keySet());
    }
}
