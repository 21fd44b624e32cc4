package io.guidon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The rules between modules, checked here because this module sees every module's classes (docs/architecture.md).
 * The rules within a module live with it: {@code EngineIsPureTest} (guidon-engine: no Vert.x, no I/O, no other
 * Guidon package but io.guidon.json), {@code StatsIsPureTest} (guidon-stats: the JDK and Hipparchus only, no Vert.x,
 * no I/O, no other Guidon package), {@code ProtocolDependenciesTest} (guidon-protocol: no Vert.x, neither side,
 * no server package), {@code ControlPlaneArchitectureTest} (guidon-control-plane: its layers; nothing below the HTTP
 * layer knows HTTP).
 */
class LayeringTest {

    /** Production classes of every module: no test classes, none of the modules' test jars nor of guidon-testing. */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("guidon-testing"))
            .importPackages("io.guidon");

    /** The sidecar and the control plane are two programs that share only the engine and the protocol module. */
    static final ArchRule THE_SIDECAR_DOES_NOT_USE_THE_CONTROL_PLANE = noClasses()
            .that().resideInAPackage("io.guidon.sidecar..")
            .should().dependOnClassesThat().resideInAPackage("io.guidon.controlplane..")
            .because("what both sides need of the wire is in io.guidon.protocol");

    static final ArchRule THE_CONTROL_PLANE_DOES_NOT_USE_THE_SIDECAR = noClasses()
            .that().resideInAPackage("io.guidon.controlplane..")
            .should().dependOnClassesThat().resideInAPackage("io.guidon.sidecar..")
            .because("what both sides need of the wire is in io.guidon.protocol");

    /** Vert.x Web (routers, routing contexts, body handlers) is for the HTTP layers only. */
    static final ArchRule ONLY_HTTP_LAYERS_USE_VERTX_WEB = classes()
            .that().resideInAPackage("io.guidon..")
            .and().resideOutsideOfPackages("io.guidon.controlplane.api..", "io.guidon.controlplane.ui..",
                    "io.guidon.sidecar.http..",
                    "io.guidon.common.ops..", "io.guidon.cli..")
            .should().onlyDependOnClassesThat().resideOutsideOfPackage("io.vertx.ext.web..")
            .because("routing belongs to the HTTP layers: the control plane's api and ui, the sidecar's http and the"
                    + " management port's ops");

    /** The command line is the only user of picocli (with the launcher, io.guidon.Main, which runs it). */
    static final ArchRule ONLY_THE_CLI_USES_PICOCLI = noClasses()
            .that().resideInAPackage("io.guidon..")
            .and().resideOutsideOfPackage("io.guidon.cli..")
            .and().doNotHaveFullyQualifiedName(Main.class.getName())
            .and().doNotHaveFullyQualifiedName(Main.class.getName() + "$Version")
            .should().dependOnClassesThat().resideInAPackage("picocli..")
            .because("libraries and servers are started by code, not by a command line");

    @Test
    void everyModuleIsSeen() {
        for (String name : new String[] {"io.guidon.Main", "io.guidon.cli.AdminCommand",
                "io.guidon.engine.FlagDocumentCompiler", "io.guidon.protocol.EventRules",
                "io.guidon.sidecar.http.SidecarVerticle", "io.guidon.controlplane.api.ApiRouter",
                "io.guidon.common.ops.ErrorBody", "io.guidon.json.Pointer", "io.guidon.stats.Guardrails",
                "io.guidon.telemetry.OtlpEvaluationEvents"}) {
            assertThat(CLASSES.contain(name)).as(name).isTrue();
        }
        assertThat(CLASSES.stream().anyMatch(c -> c.getPackageName().startsWith("io.guidon.testing")))
                .as("test support is not production code").isFalse();
    }

    @Test
    void theSidecarAndTheControlPlaneNeverImportEachOther() {
        THE_SIDECAR_DOES_NOT_USE_THE_CONTROL_PLANE.check(CLASSES);
        THE_CONTROL_PLANE_DOES_NOT_USE_THE_SIDECAR.check(CLASSES);
    }

    @Test
    void onlyTheHttpLayersUseVertxWeb() {
        ONLY_HTTP_LAYERS_USE_VERTX_WEB.check(CLASSES);
    }

    @Test
    void onlyTheCommandLineUsesPicocli() {
        ONLY_THE_CLI_USES_PICOCLI.check(CLASSES);
    }

    @Test
    void theRulesCatchAViolation() {
        JavaClasses leaky = new ClassFileImporter().importClasses(io.guidon.sidecar.LeakyForTest.class);
        assertThat(ONLY_THE_CLI_USES_PICOCLI.evaluate(leaky).hasViolation()).isTrue();
        assertThat(ONLY_HTTP_LAYERS_USE_VERTX_WEB.evaluate(leaky).hasViolation()).isTrue();
        assertThat(THE_SIDECAR_DOES_NOT_USE_THE_CONTROL_PLANE.evaluate(leaky).hasViolation()).isTrue();
    }
}
