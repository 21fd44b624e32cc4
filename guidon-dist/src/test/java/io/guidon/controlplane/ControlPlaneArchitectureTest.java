package io.guidon.controlplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** House rules of the control plane that review would otherwise have to catch. */
class ControlPlaneArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The modules' test fixtures reach guidon-dist as *-tests.jar, which DO_NOT_INCLUDE_TESTS misses.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.guidon.controlplane", "io.guidon.cli");

    @Test
    void onlyTheMigrationsUseJdbcAndFlywaySoNothingBlocksAnEventLoopOnTheDatabase() {
        noClasses().that().resideInAPackage("io.guidon.controlplane..")
                .and().resideOutsideOfPackage("io.guidon.controlplane.db..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.postgresql..", "org.flywaydb..")
                .check(CLASSES);
    }

    @Test
    void theHttpLayerReachesTheDatabaseOnlyThroughServices() {
        noClasses().that().resideInAPackage("io.guidon.controlplane.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..")
                .check(CLASSES);
    }

    @Test
    void theClassificationOfTransientFailuresKnowsNothingOfHttp() {
        noClasses().that().resideInAPackage("io.guidon.controlplane.db..")
                .should().dependOnClassesThat().resideInAnyPackage("io.guidon.controlplane.api..", "io.vertx.ext.web..")
                .check(CLASSES);
    }

    @Test
    void thereAreNoStaticSingletons() {
        fields().that().areDeclaredInClassesThat().resideInAPackage("io.guidon.controlplane..")
                .and().areStatic()
                .should().beFinal()
                .check(CLASSES);
    }
}
