package io.guidon.sidecar.connected;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link SnapshotStore} in one file: written to a temporary file beside it, then renamed over it. */
public final class FileSnapshotStore implements SnapshotStore {

    private static final Logger log = LoggerFactory.getLogger(FileSnapshotStore.class);

    private final Vertx vertx;
    private final Path file;
    private final Path temporary;
    /** Decimals exact and as written: a cached 2.0 must come back as 2.0 (a float flag), not 2.0 rounded or 2. */
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();
    private Future<Void> last = Future.succeededFuture();

    public FileSnapshotStore(Vertx vertx, Path dir) {
        this.vertx = vertx;
        this.file = dir.resolve("flags-cache.json");
        this.temporary = dir.resolve("flags-cache.json.tmp");
    }

    @Override
    public Future<Cached> load() {
        return vertx.fileSystem().exists(file.toString()).compose(exists -> {
            if (!exists) {
                return Future.succeededFuture(null);
            }
            return vertx.fileSystem().readFile(file.toString()).map(this::parse);
        });
    }

    private Cached parse(Buffer buffer) {
        try {
            JsonNode node = mapper.readTree(buffer.getBytes());
            JsonNode doc = node.get("document");
            if (doc == null || !doc.isObject() || !node.path("version").canConvertToLong()) {
                log.warn("ignoring the flag cache {}: it is not a cached flag document", file);
                return null;
            }
            return new Cached(node.path("tenant").asText(null), node.path("environment").asText(null),
                    node.get("version").longValue(), mapper.writeValueAsString(doc),
                    Instant.parse(node.path("savedAt").asText(Instant.EPOCH.toString())));
        } catch (Exception e) {
            log.warn("ignoring the unreadable flag cache {}: {}", file, e.toString());
            return null;
        }
    }

    @Override
    public synchronized Future<Void> save(Cached cached) {
        StringBuilder sb = new StringBuilder(cached.documentJson().length() + 200);
        sb.append("{\"tenant\":").append(quote(cached.tenant())).append(",\"environment\":")
                .append(quote(cached.environment())).append(",\"version\":").append(cached.version())
                .append(",\"savedAt\":\"").append(cached.savedAt()).append("\",\"document\":")
                .append(cached.documentJson()).append('}');
        Buffer content = Buffer.buffer(sb.toString());
        // Chained so that a slow older save can never land after, and over, a newer one.
        last = last.transform(ignored -> vertx.fileSystem().mkdirs(file.getParent().toString())
                .compose(v -> vertx.fileSystem().writeFile(temporary.toString(), content))
                .compose(v -> vertx.fileSystem().move(temporary.toString(), file.toString(),
                        new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
                .onFailure(e -> log.warn("could not write the flag cache {}: {}", file, e.toString())));
        return last;
    }

    private String quote(String s) {
        try {
            return mapper.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Path file() {
        return file;
    }
}
