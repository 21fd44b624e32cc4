package io.guidon.stats;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The statistics are functions of numbers, used by the control plane's services and checked by simulation: they
 * reach for no network, file, server runtime or other Guidon module, only the JDK's basics and Hipparchus.
 */
class StatsIsPureTest {

    static final ArchRule PURE = noClasses().that().resideInAPackage("io.guidon.stats..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java.lang..", "java.util..", "java.math..",
                    "org.hipparchus..", "io.guidon.stats..")
            .because("the statistics are pure: numbers in, numbers out, distributions from Hipparchus (ADR 0113)");

    @Test
    void theStatisticsDependOnTheJdkAndHipparchusOnly() {
        JavaClasses stats = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.guidon.stats");
        assertThat(stats).isNotEmpty();
        PURE.check(stats);
    }

    @Test
    void theRuleCatchesAViolation() {
        assertThat(PURE.evaluate(new ClassFileImporter().importClasses(UsesTheNetwork.class)).hasViolation()).isTrue();
    }

    /** Sits in the statistics' package and uses java.net, so the rule must reject it. */
    static final class UsesTheNetwork {
        URI where() {
            return URI.create("http://localhost");
        }
    }
}
