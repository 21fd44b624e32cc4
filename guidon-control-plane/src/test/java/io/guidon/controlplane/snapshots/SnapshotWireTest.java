package io.guidon.controlplane.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.api.Json;
import io.guidon.protocol.snapshots.FullSnapshot;
import io.guidon.protocol.snapshots.SnapshotAnswer;
import io.guidon.protocol.snapshots.SnapshotCodec;
import io.guidon.protocol.snapshots.SnapshotDelta;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The answers the cache serves are the bytes the control plane always wrote (the tree of the same members written
 * by {@link Json}), for a document with every kind of number it stores, and the sidecar's decoder reads them back
 * as they were.
 */
class SnapshotWireTest {

    static ObjectNode document() {
        ObjectNode doc = Json.object();
        doc.putObject("segments").putObject("beta").putArray("included").add("user-1").add("ü-中-\ud83d\ude00");
        ObjectNode flag = doc.putObject("flags").putObject("price");
        ObjectNode variants = flag.putObject("variants");
        variants.put("regular", new BigDecimal("1.0"));
        variants.put("huge", new BigDecimal("1E+20"));
        variants.put("tiny", new BigDecimal("1E-20"));
        variants.put("count", 12);
        variants.put("big", 123456789012345678L);
        flag.put("enabled", true).put("offVariant", "regular").putObject("fallthrough").put("variant", "huge");
        return doc;
    }

    @Test
    void aWholeAnswerIsTheBytesOfTheTreeTheControlPlaneAlwaysWrote() {
        ObjectNode doc = document();
        ObjectNode old = Json.object();
        old.put("tenant", "acme").put("environment", "prod").put("version", 42).put("full", true);
        old.set("document", doc);

        SnapshotCache.CachedSnapshot s = new SnapshotCache.CachedSnapshot(1, "acme", "prod", 42, 0, doc, List.of());

        assertThat(new String(s.full(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(Json.bytes(old), java.nio.charset.StandardCharsets.UTF_8));
        SnapshotAnswer read = SnapshotCodec.decode(s.full());
        assertThat(read).isInstanceOf(FullSnapshot.class);
        assertThat(((FullSnapshot) read).document().path("flags").path("price").path("variants").path("regular")
                .decimalValue()).isEqualTo(new BigDecimal("1.0"));
    }

    @Test
    void aDeltaIsTheBytesOfTheTreeTheControlPlaneAlwaysWroteAndNamesDeletedFlagsWithNull() {
        ObjectNode doc = document();
        List<SnapshotCache.LogEntry> log = new ArrayList<>();
        log.add(new SnapshotCache.LogEntry(41, new String[] {"price"}, new String[0]));
        log.add(new SnapshotCache.LogEntry(42, new String[] {"gone", "price"}, new String[] {"beta"}));
        SnapshotCache.CachedSnapshot s = new SnapshotCache.CachedSnapshot(1, "acme", "prod", 42, 40, doc, log);

        ObjectNode old = Json.object();
        old.put("tenant", "acme").put("environment", "prod").put("version", 42).put("full", false).put("since", 40);
        ObjectNode changed = old.putObject("changed");
        changed.putObject("flags").putNull("gone").set("price", doc.get("flags").get("price"));
        changed.putObject("segments").set("beta", doc.get("segments").get("beta"));

        assertThat(s.covers(40)).isTrue();
        assertThat(s.covers(39)).isFalse();
        assertThat(new String(s.delta(40), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(Json.bytes(old), java.nio.charset.StandardCharsets.UTF_8));
        SnapshotDelta read = (SnapshotDelta) SnapshotCodec.decode(s.delta(40));
        assertThat(read.since()).isEqualTo(40);
        assertThat(read.flags().keySet()).containsExactly("gone", "price");
        assertThat(read.flags().get("gone").isNull()).isTrue();
        assertThat(read.segments()).containsOnlyKeys("beta");
        assertThat(s.deltaSince(41).flags()).containsOnlyKeys("gone", "price");
        assertThat(s.deltaSince(41).segments()).isEqualTo(Map.<String, JsonNode>of("beta", doc.get("segments").get("beta")));
    }
}
