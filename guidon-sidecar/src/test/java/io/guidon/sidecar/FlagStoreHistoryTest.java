package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The store's history of changes (for stream clients that reconnect with the version they saw): what changed in each
 * version, but not the replaced flag sets, which a connected sidecar receiving frequent changes of a large document
 * would otherwise keep by the hundred (100 sets of 1,000 flags exhausted a 256 MiB heap).
 */
class FlagStoreHistoryTest {

    private static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();

    private static FlagSet set(String variantOfA, String variantOfB) {
        String flag = "{\"enabled\":true,\"variants\":{\"on\":true,\"off\":false},\"offVariant\":\"off\","
                + "\"fallthrough\":{\"variant\":\"%s\"}}";
        return COMPILER.compile("{\"flags\":{\"a\":" + flag.formatted(variantOfA) + ",\"b\":"
                + flag.formatted(variantOfB) + "}}").flagSet();
    }

    @Test
    void theHistoryTellsWhatChangedSinceAVersionItStillCovers() {
        FlagStore store = new FlagStore(3, Clock.systemUTC());
        store.publish(set("on", "on"), 10, "test");
        store.publish(set("off", "on"), 11, "test");
        store.publish(set("off", "off"), 12, "test");
        store.publish(set("on", "off"), 13, "test");

        assertThat(store.changedSince(13)).isEmpty();
        assertThat(store.changedSince(12)).isEqualTo(Set.of("a"));
        assertThat(store.changedSince(11)).isEqualTo(Set.of("a", "b"));
        assertThat(store.changedSince(10)).as("beyond the history of 3").isNull();
    }

    @Test
    void replacedFlagSetsAreNotKeptByTheHistory() {
        FlagStore store = new FlagStore(100, Clock.systemUTC());
        WeakReference<FlagSet> first = new WeakReference<>(publish(store, set("on", "on"), 1));
        publish(store, set("off", "on"), 2);
        publish(store, set("off", "off"), 3);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (first.get() != null && System.nanoTime() < deadline) {
            System.gc();
            LockSupport.parkNanos(10_000_000);
        }
        assertThat(first.get()).as("the flag set of version 1, replaced twice").isNull();
        assertThat(store.current().version()).isEqualTo(3);
        assertThat(store.changedSince(1)).isEqualTo(Set.of("a", "b"));
    }

    private static FlagSet publish(FlagStore store, FlagSet flags, long version) {
        assertThat(store.publish(flags, version, "test")).isNotNull();
        return flags;
    }
}
