package io.guidon.sidecar.connected;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class FileSnapshotStoreTest {

    @TempDir
    Path dir;

    private Context context;
    private FileSnapshotStore store;

    @BeforeEach
    void setUp(Vertx vertx) {
        context = vertx.getOrCreateContext();
        store = new FileSnapshotStore(vertx, dir.resolve("cache"));
    }

    private static SnapshotStore.Cached cached(long version) {
        var doc = Docs.base();
        doc.withObjectProperty("flags").withObjectProperty("a").put("description", "version " + version + " \"quoted\" ü");
        return new SnapshotStore.Cached("acme", "prod", version, doc.toString(), Instant.parse("2025-01-02T03:04:05Z"));
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("cache"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSavedSnapshotLoadsBackWhole() throws Exception {
        SnapshotStore.Cached saved = cached(7);
        Await.on(context, () -> store.save(saved));

        SnapshotStore.Cached loaded = Await.on(context, store::load);
        assertThat(loaded.tenant()).isEqualTo("acme");
        assertThat(loaded.environment()).isEqualTo("prod");
        assertThat(loaded.version()).isEqualTo(7);
        assertThat(loaded.savedAt()).isEqualTo(saved.savedAt());
        assertThat(Docs.tree(loaded.documentJson())).isEqualTo(Docs.tree(saved.documentJson()));
        assertThat(Docs.COMPILER.compile(loaded.documentJson()).ok()).isTrue();
        assertThat(files()).containsExactly("flags-cache.json");
        assertThat(store.file()).isEqualTo(dir.resolve("cache").resolve("flags-cache.json"));
    }

    @Test
    void nothingSavedLoadsAsNull() throws Exception {
        assertThat((Object) Await.on(context, store::load)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"tenant\":\"acme\",\"version\":3,\"document\":{\"flags\":{", "[1,2]",
            "{\"tenant\":\"acme\",\"version\":3}", "{\"version\":\"three\",\"document\":{\"flags\":{}}}",
            "{\"version\":3,\"savedAt\":\"yesterday\",\"document\":{\"flags\":{}}}", "\u0000\u0001garbage"})
    void aCorruptCacheLoadsAsNullWithoutFailing(String content) throws Exception {
        Files.createDirectories(dir.resolve("cache"));
        Files.writeString(dir.resolve("cache").resolve("flags-cache.json"), content);
        assertThat((Object) Await.on(context, store::load)).isNull();
    }

    @Test
    void aBurstOfSavesCompletesInOrderAndLeavesTheLast() throws Exception {
        List<Long> completed = Collections.synchronizedList(new ArrayList<>());
        Await.on(context, () -> {
            Future<Void> last = Future.succeededFuture();
            for (long v = 1; v <= 40; v++) {
                long version = v;
                last = store.save(cached(version)).onComplete(ar -> completed.add(version));
            }
            return last;
        });
        assertThat(completed).hasSize(40).isSorted();
        assertThat(Await.on(context, store::load).version()).isEqualTo(40);
        assertThat(files()).containsExactly("flags-cache.json");
    }

    @Test
    void aFailedSaveDoesNotStopTheNextOne() throws Exception {
        Files.createDirectories(dir.resolve("cache").resolve("flags-cache.json.tmp")); // the temporary name is taken
        Files.writeString(dir.resolve("cache").resolve("flags-cache.json.tmp").resolve("x"), "x");
        Future<Void> failed = Await.on(context, () -> Future.succeededFuture(store.save(cached(1))));
        boolean didFail = Await.on(context, () -> failed.transform(ar -> Future.succeededFuture(ar.failed())));
        assertThat(didFail).isTrue();

        Files.delete(dir.resolve("cache").resolve("flags-cache.json.tmp").resolve("x"));
        Files.delete(dir.resolve("cache").resolve("flags-cache.json.tmp"));
        Await.on(context, () -> store.save(cached(2)));
        assertThat(Await.on(context, store::load).version()).isEqualTo(2);
    }
}
