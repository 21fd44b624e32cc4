package io.guidon.openfeature;

import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Flags from a file, checked every poll interval: when its modification time, size or identity (a file replaced by
 * a rename, as editors and deployment tools do) changed, it is read and compiled. Polling rather than a
 * {@code WatchService}, because watching misses changes on network and container file systems and through
 * symbolic links (a Kubernetes ConfigMap is a link swapped by rename), where a stat per second costs nothing.
 * A file that is missing or unreadable is a failure (stale); one that does not compile is an invalid document;
 * both keep the last good set served, and the next good content is loaded.
 */
final class FileFlagSource implements FlagSource {

    private record Stamp(long modified, long size, Object key) {
    }

    private final Path file;
    private final Duration interval;
    private final FlagDocumentCompiler compiler;
    private final ScheduledExecutorService scheduler;
    private Stamp seen;
    private long version;
    private ScheduledFuture<?> task;
    private Listener listener;

    FileFlagSource(Path file, Duration interval, FlagDocumentCompiler compiler, ScheduledExecutorService scheduler) {
        this.file = file;
        this.interval = interval;
        this.compiler = compiler;
        this.scheduler = scheduler;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        task = scheduler.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Stamp stamp = new Stamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
            if (stamp.equals(seen)) {
                return;
            }
            byte[] bytes = Files.readAllBytes(file);
            // The stamp of what was read: a change while reading is seen at the next check.
            seen = stamp;
            Compilation c = compiler.compile(bytes);
            if (!c.ok()) {
                listener.failed(Documents.problems("the flag file " + file, c), true);
                return;
            }
            listener.loaded(c.flagSet(), ++version, "file " + file);
        } catch (NoSuchFileException e) {
            seen = null;
            listener.failed("the flag file " + file + " does not exist", false);
        } catch (IOException | RuntimeException e) {
            seen = null;
            listener.failed("the flag file " + file + " cannot be read: " + e, false);
        }
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public String toString() {
        return Objects.toString(describe());
    }
}
