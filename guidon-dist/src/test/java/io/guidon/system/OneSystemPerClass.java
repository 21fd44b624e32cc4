package io.guidon.system;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of system tests that share one {@link GuidonSystem} (control plane, database, Redis prefix) with default
 * settings among their tests: started before the class's first test, closed after its last. Failsafe runs test
 * classes one after another, so the one static field is never shared by two running classes.
 */
abstract class OneSystemPerClass {

    @TempDir
    static Path dir;

    static GuidonSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = GuidonSystem.start(dir);
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
            system = null;
        }
    }
}
