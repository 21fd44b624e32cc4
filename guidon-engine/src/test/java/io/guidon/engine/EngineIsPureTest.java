package io.guidon.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The engine is shared by the sidecar, the control plane and the CLI, and runs on event loops: it must not
 * reach for a network, a file system, or any of the programs built on it.
 */
class EngineIsPureTest {

    private static final ArchRule PURE = noClasses().that().resideInAPackage("io.guidon.engine..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.vertx..", "io.netty..", "java.net..", "java.nio.file..",
                    "io.guidon.sidecar..", "io.guidon.controlplane..", "io.guidon.cli..")
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
        JavaClasses impure = new ClassFileImporter().importClasses(Impure.class);
        assertThat(PURE.evaluate(impure).hasViolation()).isTrue();
    }

    /** Sits in the engine's package and uses java.net, so the rule must reject it. */
    static final class Impure {
        URI where() {
            return URI.create("http://localhost");
        }
    }
}
