package io.guidon.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.sidecar.connected.ConnectedFlagSource;
import io.guidon.sidecar.connected.ControlPlaneClient;
import io.guidon.sidecar.connected.DiskSpool;
import io.guidon.sidecar.connected.EventUploader;
import io.guidon.sidecar.connected.FileSnapshotStore;
import io.guidon.sidecar.connected.RedisChangeSubscriber;
import io.guidon.sidecar.connected.UpstreamEventSink;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's long-lived objects are used from several threads: each HTTP event loop, the background context
 * (flag source, uploader), the metrics scrape and the shutdown hook. A mutable field of theirs is either safely
 * published (final and immutable or thread-safe, volatile, atomic) or confined to one context, and then listed
 * here with the reason. A new field that is neither fails this test until someone decides which it is: the kind of
 * fault where /healthz read connection state written on another event loop without a happens-before edge.
 */
class CrossThreadStateTest {

    /** Fields written and read on one context only; nothing on another thread reads them (directly or via a getter). */
    private static final Map<Class<?>, Set<String>> CONFINED = Map.of(
            ConnectedFlagSource.class, Set.of("fetching", "again", "forceFull", "stopped", "retryTimer", "pollTimer",
                    "fetchStartedAt", "confirmedFrom", "subscribedAt", "lastNotified", "unannounced", "graceTimer",
                    "lastMissingLog", "announced", "announcedAt", "announcedChecks"),
            RedisChangeSubscriber.class, Set.of("connection", "attempts", "pingTimer", "reconnectTimer"),
            EventUploader.class, Set.of("windowStart", "flushTimer", "retryTimer", "sending", "stopped", "attempts"),
            DiskSpool.class, Set.of("nextSequence", "writing"),
            UpstreamEventSink.class, Set.of("retiredSince"), // drain() only, on the uploader's context
            FileSnapshotStore.class, Set.of(), // "last" is guarded by the instance's lock
            FileFlagSource.class, Set.of("timerId", "checking", "seenModified", "seenSize", "seenContent",
                    "reportedMissing"));

    /**
     * Collections declared by interface whose implementation is thread-safe (the gauges or other threads read them):
     * EventUploader.memory and DiskSpool.entries are ConcurrentLinkedDeques (pending-batch gauges), FlagStore.listeners
     * a CopyOnWriteArrayList, SidecarMain.verticles is only used under its own lock.
     */
    private static final Set<String> THREAD_SAFE_COLLECTIONS = Set.of("EventUploader.memory", "DiskSpool.entries",
            "FlagStore.listeners", "SidecarMain.verticles");

    /** Fields guarded by a lock (every access synchronized). */
    private static final Map<Class<?>, Set<String>> LOCKED = Map.of(
            FileSnapshotStore.class, Set.of("last"),
            FlagStore.class, Set.of("history"));

    private static final List<Class<?>> CLASSES = List.of(ConnectedFlagSource.class, RedisChangeSubscriber.class,
            EventUploader.class, DiskSpool.class, ControlPlaneClient.class, FileSnapshotStore.class,
            UpstreamEventSink.class, SidecarMain.class, FlagStore.class, SidecarMetrics.class, FileFlagSource.class,
            BundledFlagSource.class, CountingEventSink.class, Evaluations.class);

    /** Collections that are not safe to read while another thread changes them. */
    private static final Set<Class<?>> UNSAFE_COLLECTIONS = Set.of(ArrayList.class, ArrayDeque.class, HashMap.class,
            HashSet.class, LinkedHashMap.class, java.util.Deque.class, java.util.List.class, java.util.Map.class);

    @Test
    void everyMutableFieldIsSafelyPublishedOrDeclaredConfinedToOneContext() {
        List<String> unsafe = new ArrayList<>();
        for (Class<?> c : CLASSES) {
            Set<String> confined = CONFINED.getOrDefault(c, Set.of());
            Set<String> locked = LOCKED.getOrDefault(c, Set.of());
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) || f.isSynthetic() || confined.contains(f.getName())
                        || locked.contains(f.getName())) {
                    continue;
                }
                boolean plainMutable = !Modifier.isFinal(m) && !Modifier.isVolatile(m);
                boolean unsafeCollection = Modifier.isFinal(m) && UNSAFE_COLLECTIONS.contains(f.getType())
                        && !THREAD_SAFE_COLLECTIONS.contains(c.getSimpleName() + "." + f.getName())
                        // SidecarMetrics.errors: an EnumMap filled in the constructor, then only read
                        && !(c == SidecarMetrics.class && f.getName().equals("errors"));
                if (plainMutable || unsafeCollection) {
                    unsafe.add(c.getSimpleName() + "." + f.getName() + " (" + f.getType().getSimpleName() + ")");
                }
            }
        }
        assertThat(unsafe).as("fields other threads may read without a happens-before edge").isEmpty();
    }

    @Test
    void theConfinedListsNameFieldsThatExist() {
        for (Map.Entry<Class<?>, Set<String>> e : CONFINED.entrySet()) {
            for (String name : e.getValue()) {
                assertThat(fieldNames(e.getKey())).as(e.getKey().getSimpleName()).contains(name);
            }
        }
    }

    private static Set<String> fieldNames(Class<?> c) {
        Set<String> names = new HashSet<>();
        for (Field f : c.getDeclaredFields()) {
            names.add(f.getName());
        }
        return names;
    }
}
