package io.guidon.sidecar;

import io.guidon.engine.FlagSet;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the flag set the sidecar serves. Readers take {@link #current()} (one volatile read, no lock) and use that
 * snapshot for the whole request; a source publishes a new set with {@link #publish}, which swaps the reference
 * atomically, so nobody ever sees half of a change. Remembers the last changes for clients that reconnect with
 * the version they last saw.
 */
public final class FlagStore {

    private static final Logger log = LoggerFactory.getLogger(FlagStore.class);

    private final AtomicReference<Snapshot> current = new AtomicReference<>();
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    /**
     * The last changes: versions and changed keys only, never the flag sets themselves (a hundred whole sets of a
     * large document would hold hundreds of megabytes that nothing reads).
     */
    private final Deque<Change> history = new ArrayDeque<>();
    private final int historySize;
    private final Clock clock;

    private record Change(long version, Set<String> changed) {
    }

    public FlagStore(int historySize, Clock clock) {
        this.historySize = historySize;
        this.clock = clock;
    }

    /** The snapshot being served, or {@code null} before the first flag set is loaded. */
    public Snapshot current() {
        return current.get();
    }

    /**
     * Publishes {@code flags} as the next version (the current version plus one) unless nothing in it differs
     * from the current set; returns the new snapshot, or {@code null} when nothing changed.
     */
    public synchronized Snapshot publish(FlagSet flags, String origin) {
        Snapshot previous = current.get();
        if (previous != null && flags.changedSince(previous.flags()).isEmpty()
                && previous.flags().documentJson().equals(flags.documentJson())) {
            return null;
        }
        return install(flags, previous == null ? 1 : previous.version() + 1, origin, previous);
    }

    /**
     * Publishes {@code flags} as {@code version} (a control plane's), even when the document is the same, so the
     * held version always follows the control plane; an older or equal version is ignored.
     */
    public synchronized Snapshot publish(FlagSet flags, long version, String origin) {
        Snapshot previous = current.get();
        if (previous != null && version <= previous.version()) {
            return null;
        }
        return install(flags, version, origin, previous);
    }

    /**
     * Publishes {@code flags} as {@code version} whatever the version held, for when the source says so (a
     * control plane whose versions went back after a restore, another environment after a key change). The history
     * is cleared, so stream clients that reconnect with an old version are told to resync.
     */
    public synchronized Snapshot replace(FlagSet flags, long version, String origin) {
        Snapshot previous = current.get();
        history.clear();
        return install(flags, version, origin, previous);
    }

    private Snapshot install(FlagSet flags, long version, String origin, Snapshot previous) {
        Set<String> changed = previous == null ? new TreeSet<>(keys(flags)) : flags.changedSince(previous.flags());
        Snapshot next = new Snapshot(flags, version, clock.instant(), origin,
                Collections.unmodifiableSortedSet(new TreeSet<>(changed)));
        current.set(next);
        history.addLast(new Change(next.version(), next.changed()));
        while (history.size() > historySize) {
            history.removeFirst();
        }
        for (Consumer<Snapshot> listener : listeners) {
            // The snapshot is published whatever a listener does: one failing listener must not keep the others
            // (change streams, metrics) from hearing of it, nor fail the source's reload after the swap.
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.error("a listener failed on version {} (the version is published)", next.version(), e);
            }
        }
        return next;
    }

    /** Called with each published snapshot, on the thread that published it. */
    public void onPublish(Consumer<Snapshot> listener) {
        listeners.add(listener);
    }

    /**
     * The flags that changed after the snapshot with {@code version} up to the current one, or {@code null} when
     * that snapshot is no longer (or never was) in the history, and the caller must treat every flag as changed.
     */
    public synchronized Set<String> changedSince(long version) {
        Snapshot now = current.get();
        if (now == null || version == now.version()) {
            return Set.of();
        }
        Set<String> changed = new TreeSet<>();
        for (Iterator<Change> it = history.descendingIterator(); it.hasNext();) {
            Change s = it.next();
            if (s.version() == version) {
                return changed;
            }
            if (s.version() < version) {
                break;
            }
            changed.addAll(s.changed());
        }
        return null;
    }

    private static Set<String> keys(FlagSet flags) {
        Set<String> keys = new TreeSet<>();
        for (int i = 0; i < flags.size(); i++) {
            keys.add(flags.flags().get(i).key());
        }
        return keys;
    }
}
