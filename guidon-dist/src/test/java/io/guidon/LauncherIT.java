package io.guidon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ./guidon launcher as a real process: JDK discovery, and running the jar that the package phase built. */
class LauncherIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path REAL_JDK = Path.of(System.getProperty("java.home"));
    private static final List<String> TOOLS = List.of("bash", "awk", "cut", "readlink", "dirname", "find", "id",
            "seq", "sleep", "mkdir", "cat", "flock", "env", "grep", "sort", "tail", "head", "ls", "printf", "uname",
            "basename", "sed", "tr", "mktemp", "rm", "wc");

    // Under target/ rather than a JUnit temp dir, which warns about every symlink pointing outside it.
    static Path tmp;
    static Path toolsOnly;

    /** A PATH with the shell tools the launcher uses and no java, so tests control which JDKs it can see. */
    @BeforeAll
    static void pathWithoutJava() throws IOException {
        tmp = Files.createTempDirectory(Files.createDirectories(ROOT.resolve("target")), "launcher-it");
        toolsOnly = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : TOOLS) {
            for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
                Path p = Path.of(dir, tool);
                if (Files.isExecutable(p) && !Files.exists(toolsOnly.resolve(tool))) {
                    Files.createSymbolicLink(toolsOnly.resolve(tool), p);
                }
            }
        }
    }

    @Test
    void helpRunsTheJarAndListsEveryCommand() throws Exception {
        Result r = run(Map.of("JAVA_HOME", REAL_JDK.toString()), "--help");

        assertThat(r.code).as(r.output).isZero();
        assertThat(r.output).contains("validate").contains("eval").contains("test");
    }

    @Test
    void validateChecksTheShippedExample() throws Exception {
        Result r = run(Map.of("JAVA_HOME", REAL_JDK.toString()), "validate", "config/flags.json");

        assertThat(r.code).as(r.output).isZero();
        assertThat(r.output).contains("config/flags.json: valid");
    }

    @Test
    void failsNamingEveryJdkItFoundWhenNoneIsNewEnough() throws Exception {
        Path oldJdk = fakeJdk("old-jdk", "17.0.15");
        Path emptyJvmDir = Files.createDirectories(tmp.resolve("no-jvms"));

        Result r = run(Map.of("JAVA_HOME", oldJdk.toString(), "GUIDON_JVM_DIR", emptyJvmDir.toString(),
                "PATH", toolsOnly.toString()), "--version");

        assertThat(r.code).isEqualTo(1);
        assertThat(r.output).contains("needs a JDK 21 or newer").contains(oldJdk.toString()).contains("Java 17");
    }

    @Test
    void picksAJdkFromTheJvmFolderWhenJavaHomeIsTooOld() throws Exception {
        Path oldJdk = fakeJdk("older-jdk", "1.8.0_402");
        Path jvms = Files.createDirectories(tmp.resolve("jvms"));
        Path link = jvms.resolve("real");
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, REAL_JDK);
        }

        Result r = run(Map.of("JAVA_HOME", oldJdk.toString(), "GUIDON_JVM_DIR", jvms.toString(),
                "PATH", toolsOnly.toString()), "--version");

        assertThat(r.code).as(r.output).isZero();
        assertThat(r.output).contains("guidon").contains("Java " + Runtime.version().feature());
    }

    /** A folder that looks like a JDK whose java prints the given version. */
    private static Path fakeJdk(String name, String version) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve(name).resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2025-01-01' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tmp.resolve(name);
    }

    private static Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("guidon").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    private record Result(int code, String output) {
    }
}
