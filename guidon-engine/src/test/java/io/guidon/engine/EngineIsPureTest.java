package io.guidon.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The engine is shared by the sidecar, the control plane, the CLI and Java applications (through the OpenFeature
 * provider), and runs on event loops: it must not reach for a network, a file system, a server runtime, or any of
 * the programs built on it. It reads the bytes and trees it is given; of {@code java.io} it may use only the
 * exceptions (a parser's {@link IOException}).
 */
class EngineIsPureTest {

    private static final DescribedPredicate<JavaClass> IO_BEYOND_ITS_EXCEPTIONS = DescribedPredicate.describe(
            "java.io beyond its exceptions", c -> c.getPackageName().equals("java.io")
                    && !c.isAssignableTo(IOException.class) && !c.isAssignableTo(UncheckedIOException.class)
                    && !c.getName().equals("java.io.Serializable"));

    private static final DescribedPredicate<JavaClass> OTHER_GUIDON_PACKAGES = DescribedPredicate.describe(
            "io.guidon packages other than io.guidon.engine and io.guidon.json",
            c -> c.getPackageName().startsWith("io.guidon.") && !c.getPackageName().startsWith("io.guidon.engine")
                    && !c.getPackageName().startsWith("io.guidon.json"));

    static final ArchRule PURE = noClasses().that().resideInAPackage("io.guidon.engine..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.vertx..", "io.netty..", "java.net..", "java.nio.file..", "java.nio.channels..")
            .orShould().dependOnClassesThat(IO_BEYOND_ITS_EXCEPTIONS)
            .orShould().dependOnClassesThat(OTHER_GUIDON_PACKAGES)
            .because("the engine is a pure library: I/O and servers belong to its callers");

    @Test
    void theEngineDependsOnNoRuntimeNetworkFileSystemOrCaller() {
        JavaClasses engine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.guidon.engine");
        assertThat(engine).isNotEmpty();
        PURE.check(engine);
    }

    @Test
    void theRuleCatchesAViolation() {
        for (Class<?> impure : new Class<?>[] {UsesTheNetwork.class, ReadsFiles.class, PrintsToAStream.class}) {
            JavaClasses classes = new ClassFileImporter().importClasses(impure);
            assertThat(PURE.evaluate(classes).hasViolation()).as(impure.getSimpleName()).isTrue();
        }
    }

    /** Sits in the engine's package and uses java.net, so the rule must reject it. */
    static final class UsesTheNetwork {
        URI where() {
            return URI.create("http://localhost");
        }
    }

    /** Sits in the engine's package and reads a file, so the rule must reject it. */
    static final class ReadsFiles {
        byte[] read() throws IOException {
            return Files.readAllBytes(Path.of("flags.json"));
        }
    }

    /** Sits in the engine's package and writes to a stream of java.io, so the rule must reject it. */
    static final class PrintsToAStream {
        void print(java.io.PrintStream out) {
            out.println("evaluated");
        }
    }
}
