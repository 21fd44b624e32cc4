package io.guidon.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The wire between sidecar and control plane is defined once, in {@code io.guidon.protocol}: no class of either
 * side bears the name of one of its messages or codecs (two {@code EventBatch} classes, one per side, are how the
 * sides once came to disagree), and no two classes are named {@code Snapshot}.
 */
class OneWireDefinitionTest {

    static final JavaClasses GUIDON = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.guidon");
    static final Set<String> WIRE = Set.of("EventBatch", "EventBatchAnswer", "EventBatchDecoder", "EventBatchEncoder",
            "EventBatchReader", "FullSnapshot", "SnapshotDelta", "SnapshotAnswer", "SnapshotCodec",
            "ChangeNotification");

    @Test
    void theMessagesAndCodecsExistOnlyInTheProtocol() {
        List<String> elsewhere = GUIDON.stream().filter(c -> WIRE.contains(c.getSimpleName()))
                .filter(c -> !c.getPackageName().startsWith("io.guidon.protocol")).map(JavaClass::getName).toList();

        assertThat(elsewhere).isEmpty();
        assertThat(GUIDON.stream().filter(c -> c.getSimpleName().equals("EventBatch")).map(JavaClass::getName))
                .containsExactly("io.guidon.protocol.events.EventBatch");
    }

    @Test
    void atMostOneClassIsNamedSnapshot() {
        assertThat(GUIDON.stream().filter(c -> c.getSimpleName().equals("Snapshot")).map(JavaClass::getName))
                .hasSizeLessThanOrEqualTo(1);
    }
}
