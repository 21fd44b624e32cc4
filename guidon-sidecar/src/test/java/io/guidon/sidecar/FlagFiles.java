package io.guidon.sidecar;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Flag documents for tests: the fixtures under {@code src/test/resources/sidecar/}, written the way deployments
 * should replace a watched file (a temporary file renamed over it), so the watcher never reads half a document.
 */
public final class FlagFiles {

    private FlagFiles() {
    }

    /** The text of {@code sidecar/<name>} from the test resources. */
    public static String resource(String name) {
        try (InputStream in = FlagFiles.class.getClassLoader().getResourceAsStream("sidecar/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource sidecar/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces {@code file} with the resource {@code sidecar/<name>}; returns {@code file}. */
    public static Path install(Path file, String name) {
        return write(file, resource(name));
    }

    /** Replaces {@code file} with {@code content} atomically; returns {@code file}. */
    public static Path write(Path file, String content) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".flags", ".tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
