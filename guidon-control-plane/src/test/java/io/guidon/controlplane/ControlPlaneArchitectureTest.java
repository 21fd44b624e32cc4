package io.guidon.controlplane;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The control plane's layers, and house rules that review would otherwise have to catch (docs/architecture.md).
 *
 * <p>A request goes one way: the HTTP layer ({@code api}: routes, request and response JSON, the one mapping from
 * domain errors to problem+json) calls services (one per aggregate, and the parts they use: authentication, rate
 * limits, event ingest, snapshots, publishing), which call repositories (the SQL); all of them may use the domain
 * (its errors and values) and the support below everything (the settings, the classification of database
 * failures, the migrations). Only the composition root, {@link ControlPlaneMain}, sees every layer: it builds them.
 * Nothing below the HTTP layer knows HTTP: no {@code controlplane.api} type, no Vert.x Web.
 */
class ControlPlaneArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.guidon.controlplane");

    private static final String API = "io.guidon.controlplane.api..";
    /** The admin UI: an HTTP layer beside the API's, over the same services (ADR 0112). */
    private static final String UI = "io.guidon.controlplane.ui..";

    /** {@link ControlPlaneMain} and its nested types: the one place that builds every layer. */
    private static final DescribedPredicate<JavaClass> COMPOSITION_ROOT = belongToAnyOf(ControlPlaneMain.class)
            .as("the composition root (ControlPlaneMain)");

    /** The packages below the HTTP layer: services, repositories, the domain and what they use. */
    private static final DescribedPredicate<JavaClass> BELOW_THE_API = resideInAPackage("io.guidon.controlplane..")
            .and(not(resideInAPackage(API))).and(not(resideInAPackage(UI))).and(not(COMPOSITION_ROOT))
            .as("classes below the control plane's HTTP layer");

    /** The control plane below the HTTP layer knows nothing of HTTP: no API type, no Vert.x Web. */
    static final ArchRule NOTHING_BELOW_THE_API_KNOWS_HTTP = noClasses().that(BELOW_THE_API)
            .should().dependOnClassesThat().resideInAnyPackage(API, UI, "io.vertx.ext.web..")
            .because("the layers below the HTTP layer throw DomainException and return values; api.Problems alone"
                    + " says how they are answered");

    /**
     * The same for the packages that already keep to it on every branch: the domain, authentication, rate limits,
     * the database support and the settings. (Redundant with {@link #NOTHING_BELOW_THE_API_KNOWS_HTTP} once that is
     * enabled; it keeps these from regressing until then.)
     */
    static final ArchRule THE_DOMAIN_AUTH_RATE_LIMITS_DB_AND_SETTINGS_KNOW_NO_HTTP = noClasses()
            .that(resideInAnyPackage("io.guidon.controlplane.domain..", "io.guidon.controlplane.auth..",
                    "io.guidon.controlplane.ratelimit..", "io.guidon.controlplane.db..")
                    .or(resideInAPackage("io.guidon.controlplane").and(not(COMPOSITION_ROOT))))
            .should().dependOnClassesThat().resideInAnyPackage(API, "io.vertx.ext.web..");

    /**
     * api → services → repositories, over the domain and the support; authentication is used by all three (the
     * HTTP layer authenticates, services act for a principal, the key repository stores keys) and uses only the
     * domain and the support. Only the composition root sees every layer.
     */
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("Composition").definedBy(COMPOSITION_ROOT)
            .layer("Api").definedBy(API)
            .layer("Ui").definedBy(UI)
            .layer("Services").definedBy("io.guidon.controlplane.service..", "io.guidon.controlplane.services..",
                    "io.guidon.controlplane.ratelimit..", "io.guidon.controlplane.events..",
                    "io.guidon.controlplane.snapshots..", "io.guidon.controlplane.sidecar..",
                    "io.guidon.controlplane.publish..")
            .layer("Auth").definedBy("io.guidon.controlplane.auth..")
            .layer("Repositories").definedBy("io.guidon.controlplane.store..",
                    "io.guidon.controlplane.repositories..")
            .layer("Domain").definedBy("io.guidon.controlplane.domain..")
            .layer("Support").definedBy(resideInAPackage("io.guidon.controlplane.db..")
                    .or(resideInAPackage("io.guidon.controlplane").and(not(COMPOSITION_ROOT)))
                    .as("the settings and the database support"))
            .whereLayer("Api").mayOnlyBeAccessedByLayers("Ui", "Composition")
            .whereLayer("Ui").mayOnlyBeAccessedByLayers("Composition")
            .whereLayer("Services").mayOnlyBeAccessedByLayers("Api", "Ui", "Composition")
            .whereLayer("Auth").mayOnlyAccessLayers("Domain", "Support")
            .whereLayer("Repositories").mayOnlyBeAccessedByLayers("Services", "Composition")
            .whereLayer("Repositories").mayOnlyAccessLayers("Auth", "Domain", "Support")
            .whereLayer("Domain").mayNotAccessAnyLayer()
            .whereLayer("Support").mayNotAccessAnyLayer();

    @Test
    void theClassesAreThere() {
        assertThat(CLASSES.contain(ControlPlaneMain.class)).isTrue();
        assertThat(CLASSES.contain(io.guidon.controlplane.api.ApiRouter.class)).isTrue();
    }

    @Test
    void nothingBelowTheHttpLayerKnowsHttp() {
        NOTHING_BELOW_THE_API_KNOWS_HTTP.check(CLASSES);
    }

    @Test
    void theDomainAuthenticationRateLimitsDatabaseSupportAndSettingsKnowNoHttp() {
        THE_DOMAIN_AUTH_RATE_LIMITS_DB_AND_SETTINGS_KNOW_NO_HTTP.check(CLASSES);
    }

    @Test
    void requestsGoOneWayThroughTheLayers() {
        LAYERS.check(CLASSES);
    }

    @Test
    void onlyTheMigrationsUseJdbcAndFlywaySoNothingBlocksAnEventLoopOnTheDatabase() {
        noClasses().that().resideInAPackage("io.guidon.controlplane..")
                .and().resideOutsideOfPackage("io.guidon.controlplane.db..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.postgresql..", "org.flywaydb..")
                .check(CLASSES);
    }

    @Test
    void theHttpLayerReachesTheDatabaseOnlyThroughServices() {
        noClasses().that().resideInAnyPackage(API, UI)
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..")
                .check(CLASSES);
    }

    @Test
    void theClassificationOfTransientFailuresKnowsNothingOfHttp() {
        noClasses().that().resideInAPackage("io.guidon.controlplane.db..")
                .should().dependOnClassesThat().resideInAnyPackage(API, "io.vertx.ext.web..")
                .check(CLASSES);
    }

    @Test
    void thereAreNoStaticSingletons() {
        fields().that().areDeclaredInClassesThat().resideInAPackage("io.guidon.controlplane..")
                .and().areStatic()
                .should().beFinal()
                .check(CLASSES);
    }

    @Test
    void theRulesCatchAViolation() {
        JavaClasses leaky = new ClassFileImporter().importClasses(io.guidon.controlplane.domain.LeakyForTest.class,
                io.guidon.controlplane.api.ApiException.class);
        assertThat(NOTHING_BELOW_THE_API_KNOWS_HTTP.evaluate(leaky).hasViolation()).isTrue();
        assertThat(THE_DOMAIN_AUTH_RATE_LIMITS_DB_AND_SETTINGS_KNOW_NO_HTTP.evaluate(leaky).hasViolation()).isTrue();
        assertThat(LAYERS.evaluate(leaky).hasViolation()).isTrue();
    }
}
