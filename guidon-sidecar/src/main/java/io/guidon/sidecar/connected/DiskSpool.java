package io.guidon.sidecar.connected;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, ordered file queue of event batches waiting for the control plane: one file per batch, named
 * {@code <sequence>-<events>-<batchId>.json.gz}, written to a temporary name and renamed, so a crash never leaves
 * half a batch. It survives restarts. When the total size would pass the bound, the oldest batches are deleted,
 * and their events counted as dropped and logged. Runs on one context.
 */
public final class DiskSpool {

    private static final Logger log = LoggerFactory.getLogger(DiskSpool.class);

    record Entry(long sequence, int events, String batchId, long bytes, Path file) {
    }

    private final Vertx vertx;
    private final Path dir;
    private final long maxBytes;
    /** Concurrent, and totalBytes volatile, because the gauges read them from the scraping thread. */
    private final Deque<Entry> entries = new ConcurrentLinkedDeque<>();
    private final Map<Entry, Future<Void>> writing = new HashMap<>();
    private final Counter droppedEvents;
    private final Counter droppedBatches;
    private final Counter spilledBatches;
    private volatile long totalBytes;
    private long nextSequence;

    public DiskSpool(Vertx vertx, Path dir, long maxBytes, MeterRegistry registry) {
        this.vertx = vertx;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.droppedEvents = Counter.builder("guidon.events.dropped").tag("where", "disk")
                .description("Events dropped because the disk spool was full").register(registry);
        this.droppedBatches = Counter.builder("guidon.events.batches").tag("result", "dropped")
                .description("Event batches, by what became of them").register(registry);
        this.spilledBatches = Counter.builder("guidon.events.batches").tag("result", "spilled")
                .description("Event batches, by what became of them").register(registry);
    }

    /** Finds the batches a previous run left behind. */
    public Future<Void> open() {
        return vertx.fileSystem().mkdirs(dir.toString())
                .compose(v -> vertx.fileSystem().readDir(dir.toString(), "\\d{19}-\\d+-[^/]+\\.json\\.gz"))
                .compose(files -> {
                    List<Future<Entry>> props = new ArrayList<>();
                    for (String f : files) {
                        Path p = Path.of(f);
                        props.add(vertx.fileSystem().props(f).map(pr -> parse(p, pr.size())));
                    }
                    return Future.all(props).map(all -> {
                        List<Entry> found = new ArrayList<>();
                        for (int i = 0; i < all.size(); i++) {
                            found.add(all.resultAt(i));
                        }
                        found.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
                        for (Entry e : found) {
                            entries.addLast(e);
                            totalBytes += e.bytes();
                            nextSequence = Math.max(nextSequence, e.sequence() + 1);
                        }
                        if (!found.isEmpty()) {
                            log.info("{} undelivered event batch(es) from a previous run wait in {}", found.size(), dir);
                        }
                        return null;
                    });
                });
    }

    private static Entry parse(Path file, long size) {
        String[] parts = file.getFileName().toString().split("-", 3);
        String id = parts[2].substring(0, parts[2].length() - ".json.gz".length());
        return new Entry(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), id, size, file);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int batches() {
        return entries.size();
    }

    public long bytes() {
        return totalBytes;
    }

    /** Appends a batch after every one already spooled; makes room by dropping the oldest when needed. */
    public Future<Void> append(PendingBatch batch) {
        long sequence = nextSequence++;
        Path file = dir.resolve(String.format("%019d-%d-%s.json.gz", sequence, batch.events(), batch.id()));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        long size = batch.body().length();
        // Checked first: a batch that can never fit must not empty the spool on its way out.
        if (size > maxBytes) {
            droppedBatches.increment();
            droppedEvents.increment(batch.events());
            log.error("dropped event batch {} ({} events): larger than the whole spool", batch.id(), batch.events());
            return Future.succeededFuture();
        }
        while (!entries.isEmpty() && totalBytes + size > maxBytes) {
            dropOldest("the spool is full (" + maxBytes + " bytes)");
        }
        Entry entry = new Entry(sequence, batch.events(), batch.id(), size, file);
        entries.addLast(entry);
        totalBytes += size;
        spilledBatches.increment();
        Future<Void> write = vertx.fileSystem().writeFile(tmp.toString(), batch.body())
                .compose(v -> vertx.fileSystem().move(tmp.toString(), file.toString(),
                        new CopyOptions().setAtomicMove(true).setReplaceExisting(true)))
                .onFailure(e -> {
                    if (entries.remove(entry)) {
                        totalBytes -= size;
                    }
                    droppedBatches.increment();
                    droppedEvents.increment(batch.events());
                    log.error("dropped event batch {} ({} events): cannot write {}: {}", batch.id(), batch.events(),
                            file, e.toString());
                });
        writing.put(entry, write);
        write.onComplete(ar -> writing.remove(entry));
        return write;
    }

    /** Completes once the entry's file is written (or its write failed); reads and deletes wait for it. */
    private Future<Void> written(Entry e) {
        Future<Void> w = writing.get(e);
        return w == null ? Future.succeededFuture() : w.otherwiseEmpty();
    }

    private void dropOldest(String why) {
        Entry e = entries.pollFirst();
        totalBytes -= e.bytes();
        droppedBatches.increment();
        droppedEvents.increment(e.events());
        log.error("dropped the oldest event batch {} ({} events): {}", e.batchId(), e.events(), why);
        written(e).compose(v -> vertx.fileSystem().delete(e.file().toString()));
    }

    /**
     * The oldest spooled batch, read back (once written, when it was appended just now). A file that cannot be read
     * (deleted or damaged from outside) is dropped, counted and logged, and the future fails with {@link Unreadable}:
     * one bad file must not hold back every batch behind it.
     */
    public Future<PendingBatch> oldest() {
        Entry e = entries.peekFirst();
        return written(e).compose(v -> vertx.fileSystem().readFile(e.file().toString()))
                .map(body -> new PendingBatch(e.batchId(), e.events(), body, e))
                .recover(x -> {
                    if (entries.remove(e)) {
                        totalBytes -= e.bytes();
                        droppedBatches.increment();
                        droppedEvents.increment(e.events());
                        log.error("dropped event batch {} ({} events): cannot read {}: {}", e.batchId(), e.events(),
                                e.file(), x.toString());
                        vertx.fileSystem().delete(e.file().toString());
                    }
                    return Future.failedFuture(new Unreadable(e.file() + ": " + x.getMessage()));
                });
    }

    /** A spooled batch could not be read back and was dropped. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /** Removes a delivered (or refused) spooled batch. */
    public Future<Void> remove(Object token) {
        Entry e = (Entry) token;
        if (entries.remove(e)) {
            totalBytes -= e.bytes();
        }
        return written(e).compose(v -> vertx.fileSystem().delete(e.file().toString()))
                .recover(x -> Future.succeededFuture());
    }
}
