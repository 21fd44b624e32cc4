package io.guidon.telemetry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Evaluation events go into applications with the provider and into the sidecar: the module needs the engine's
 * public API, the OpenTelemetry SDK, SLF4J and the JDK, never Vert.x or a server (its tests use Vert.x for the
 * receiver, which these rules do not see).
 */
@AnalyzeClasses(packages = "io.guidon.telemetry", importOptions = ImportOption.DoNotIncludeTests.class)
class TelemetryDependenciesTest {

    @ArchTest
    static final ArchRule onlyTheEngineAndOpenTelemetry = noClasses().that().resideInAPackage("io.guidon.telemetry..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "io.guidon.engine",
                    "io.guidon.telemetry..", "io.opentelemetry..", "org.slf4j..")
            .because("the provider and the sidecar share it; it must not pull in Vert.x or a server (ADR 0205)");
}
