package io.guidon.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The protocol is shared by both sides and by in-process providers, so it depends on neither side nor on any
 * server framework: only the JDK, Jackson and {@code io.guidon.json}.
 */
@AnalyzeClasses(packages = "io.guidon.protocol", importOptions = ImportOption.DoNotIncludeTests.class)
class ProtocolDependenciesTest {

    @ArchTest
    static final ArchRule noVertx = noClasses().that().resideInAPackage("io.guidon.protocol..")
            .should().dependOnClassesThat().resideInAPackage("io.vertx..")
            .because("the protocol is plain Java: an application's in-process provider must not need Vert.x");

    @ArchTest
    static final ArchRule neitherSide = noClasses().that().resideInAPackage("io.guidon.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("io.guidon.sidecar..", "io.guidon.controlplane..",
                    "io.guidon.common..")
            .because("both sides use the protocol; it knows neither of them");

    @ArchTest
    static final ArchRule onlyJdkJacksonAndJson = noClasses().that().resideInAPackage("io.guidon.protocol..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "javax..", "com.fasterxml.jackson..",
                    "io.guidon.json..", "io.guidon.protocol..")
            .because("the wire's definition needs nothing more");
}
