package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.testing.Poll;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class DiskSpoolTest {

    @TempDir
    Path dir;

    private Vertx vertx;
    private Context context;
    private PrometheusMeterRegistry registry;

    @BeforeEach
    void setUp(Vertx vertx) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    private static PendingBatch batch(String id, int events, int bytes) {
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) id.charAt(id.length() - 1));
        return new PendingBatch(id, events, Buffer.buffer(body), null);
    }

    private DiskSpool open(long maxBytes) throws Exception {
        DiskSpool spool = new DiskSpool(vertx, dir, maxBytes, registry);
        Await.on(context, spool::open);
        return spool;
    }

    private PendingBatch oldest(DiskSpool spool) throws Exception {
        return Await.on(context, spool::oldest);
    }

    private void remove(DiskSpool spool, PendingBatch b) throws Exception {
        Await.on(context, () -> spool.remove(b.spoolEntry()));
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private double metric(String line) {
        for (String l : registry.scrape().split("\n")) {
            if (l.startsWith(line + " ")) {
                return Double.parseDouble(l.substring(line.length() + 1));
            }
        }
        return 0;
    }

    @Test
    void appendedBatchesComeBackOldestFirstAndRemovedOnesAreGone() throws Exception {
        DiskSpool spool = open(10_000);
        // Appended one after the other without waiting (the writes run in parallel; names keep the order).
        Await.on(context, () -> Future.all(spool.append(batch("b1", 1, 100)), spool.append(batch("b2", 2, 200)),
                spool.append(batch("b3", 3, 300))));
        assertThat(spool.batches()).isEqualTo(3);
        assertThat(spool.bytes()).isEqualTo(600);
        assertThat(files()).hasSize(3).allMatch(f -> f.endsWith(".json.gz"));

        PendingBatch first = oldest(spool);
        assertThat(first.id()).isEqualTo("b1");
        assertThat(first.events()).isEqualTo(1);
        assertThat(first.body()).isEqualTo(batch("b1", 1, 100).body());
        assertThat(oldest(spool).id()).as("reading does not remove").isEqualTo("b1");
        remove(spool, first);
        assertThat(oldest(spool).id()).isEqualTo("b2");
        remove(spool, oldest(spool));
        PendingBatch third = oldest(spool);
        assertThat(third.id()).isEqualTo("b3");
        assertThat(third.body().length()).isEqualTo(300);
        remove(spool, third);

        assertThat(spool.isEmpty()).isTrue();
        assertThat(spool.bytes()).isZero();
        assertThat(files()).isEmpty();
        assertThat(metric("guidon_events_batches_total{result=\"spilled\"}")).isEqualTo(3);
    }

    @Test
    void readingABatchJustAppendedWaitsForItsWrite() throws Exception {
        DiskSpool spool = open(10_000_000);
        PendingBatch read = Await.on(context, () -> {
            spool.append(batch("big", 7, 4_000_000));
            return spool.oldest();
        });
        assertThat(read.id()).isEqualTo("big");
        assertThat(read.body().length()).isEqualTo(4_000_000);
    }

    @Test
    void theByteBoundDropsTheOldestBatchesAndCountsTheirEvents() throws Exception {
        DiskSpool spool = open(350);
        for (String id : List.of("b1", "b2", "b3")) {
            Await.on(context, () -> spool.append(batch(id, id.equals("b1") ? 5 : 7, 100)));
        }
        assertThat(spool.bytes()).isEqualTo(300);

        Await.on(context, () -> spool.append(batch("b4", 11, 200))); // 500 > 350: b1 and b2 go
        assertThat(spool.batches()).isEqualTo(2);
        assertThat(spool.bytes()).isEqualTo(300);
        assertThat(oldest(spool).id()).isEqualTo("b3");
        assertThat(metric("guidon_events_dropped_total{where=\"disk\"}")).isEqualTo(12);
        assertThat(metric("guidon_events_batches_total{result=\"dropped\"}")).isEqualTo(2);
        Poll.until("the dropped batches' files are deleted", () -> {
            try {
                return files().size() == 2;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(files()).noneMatch(f -> f.contains("-b1.") || f.contains("-b2."));
    }

    @Test
    void aBatchLargerThanTheWholeSpoolIsDroppedAndCountedAndLeavesTheOthers() throws Exception {
        DiskSpool spool = open(250);
        Await.on(context, () -> spool.append(batch("b1", 3, 100)));
        Await.on(context, () -> spool.append(batch("huge", 40, 251)));

        assertThat(spool.batches()).isEqualTo(1);
        assertThat(oldest(spool).id()).isEqualTo("b1");
        assertThat(files()).hasSize(1);
        assertThat(metric("guidon_events_dropped_total{where=\"disk\"}")).isEqualTo(40);
        assertThat(metric("guidon_events_batches_total{result=\"dropped\"}")).isEqualTo(1);
    }

    @Test
    void aNewSpoolOverTheSameDirectoryFindsTheBatchesLeftBehindInOrder() throws Exception {
        DiskSpool before = open(10_000);
        for (int i = 1; i <= 12; i++) { // past 9, so that names sort by number, not text
            String id = "b" + i;
            Await.on(context, () -> before.append(batch(id, 1, 10)));
        }
        remove(before, oldest(before));
        Files.writeString(dir.resolve("0000000000000000099-1-torn.json.gz.tmp"), "half a batch");

        DiskSpool after = open(10_000);
        assertThat(after.batches()).isEqualTo(11);
        assertThat(after.bytes()).isEqualTo(110);
        Await.on(context, () -> after.append(batch("b13", 2, 10)));
        StringBuilder order = new StringBuilder();
        while (!after.isEmpty()) {
            PendingBatch b = oldest(after);
            order.append(b.id()).append(' ');
            remove(after, b);
        }
        assertThat(order.toString().trim()).isEqualTo("b2 b3 b4 b5 b6 b7 b8 b9 b10 b11 b12 b13");
    }

    @Test
    void batchIdsWithDashesSurviveARestart() throws Exception {
        DiskSpool before = open(10_000);
        String id = "3f0c2a9e-1b2c-4d5e-8f90-123456789abc";
        Await.on(context, () -> before.append(new PendingBatch(id, 42, Buffer.buffer("x"), null)));
        DiskSpool after = open(10_000);
        PendingBatch b = Await.on(context, () -> Future.succeededFuture(null).compose(v -> after.oldest()));
        assertThat(b.id()).isEqualTo(id);
        assertThat(b.events()).isEqualTo(42);
    }

    @Test
    void aFileThatCannotBeReadIsDroppedAndCountedAndTheNextBatchComesBack() throws Exception {
        DiskSpool spool = open(10_000);
        Await.on(context, () -> Future.all(spool.append(batch("b1", 4, 100)), spool.append(batch("b2", 2, 200))));
        Files.delete(dir.resolve(files().get(0)));

        assertThat(org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> oldest(spool)))
                .isInstanceOf(DiskSpool.Unreadable.class);
        assertThat(metric("guidon_events_dropped_total{where=\"disk\"}")).isEqualTo(4);
        assertThat(spool.batches()).isEqualTo(1);
        assertThat(oldest(spool).id()).isEqualTo("b2");
    }
}
