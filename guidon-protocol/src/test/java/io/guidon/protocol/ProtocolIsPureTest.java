package io.guidon.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The wire between sidecar and control plane is one library both sides (and Java applications, through the
 * OpenFeature provider) depend on: its records, limits, rules and codecs may use the engine and JSON, never a
 * server runtime nor either side of the wire.
 */
class ProtocolIsPureTest {

    static final ArchRule PURE = noClasses().that().resideInAPackage("io.guidon.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..",
                    "io.guidon.sidecar..", "io.guidon.controlplane..", "io.guidon.common..", "io.guidon.cli..")
            .because("a rule of the wire exists once, for both sides, without their servers");

    @Test
    void theProtocolDependsOnNoServerRuntimeNorEitherSide() {
        JavaClasses protocol = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.guidon.protocol");
        assertThat(protocol).isNotEmpty();
        PURE.check(protocol);
    }

    @Test
    void theRuleCatchesAViolation() {
        JavaClasses impure = new ClassFileImporter().importClasses(Impure.class);
        assertThat(PURE.evaluate(impure).hasViolation()).isTrue();
    }

    /** Sits in the protocol's package and calls the sidecar, so the rule must reject it. */
    static final class Impure {
        String side() {
            return io.guidon.sidecar.SidecarSideForTest.side();
        }
    }
}
