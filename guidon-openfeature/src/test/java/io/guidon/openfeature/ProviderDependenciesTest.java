package io.guidon.openfeature;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The provider goes into applications: it depends on the engine's public API, the protocol, guidon-telemetry (its
 * OpenTelemetry evaluation events, which alone use the OpenTelemetry SDK), the OpenFeature SDK, Jackson, SLF4J and
 * the JDK (its HTTP client), never on Vert.x or the servers (which its tests start, so they are
 * on the class path these rules see).
 */
@AnalyzeClasses(packages = "io.guidon.openfeature", importOptions = ImportOption.DoNotIncludeTests.class)
class ProviderDependenciesTest {

    @ArchTest
    static final ArchRule noServers = noClasses().that().resideInAPackage("io.guidon.openfeature..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "io.guidon.sidecar..",
                    "io.guidon.controlplane..", "io.guidon.common..")
            .because("an application's in-process provider must not pull in Vert.x or a server");

    @ArchTest
    static final ArchRule onlyWhatEvaluationNeeds = noClasses().that().resideInAPackage("io.guidon.openfeature..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "javax..", "com.fasterxml.jackson..",
                    "dev.openfeature.sdk..", "org.slf4j..", "io.guidon.engine", "io.guidon.protocol..",
                    "io.guidon.json..", "io.guidon.telemetry..", "io.guidon.openfeature..")
            .because("the provider needs the engine's public API, the protocol, its telemetry (OTLP evaluation events,"
                    + " ADR 0205), OpenFeature, Jackson and SLF4J only");
}
