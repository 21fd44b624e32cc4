package io.guidon.openfeature;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.ProviderEvent;
import io.guidon.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test support: the provider events an OpenFeature client received, in order, and flag files written atomically. */
final class Recorded {

    /** One event as a handler received it. */
    record Event(ProviderEvent type, EventDetails details) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();

    /** Records every provider event {@code client} receives from now on. */
    static Recorded events(Client client) {
        Recorded r = new Recorded();
        for (ProviderEvent type : ProviderEvent.values()) {
            client.on(type, details -> r.events.add(new Event(type, details)));
        }
        return r;
    }

    /** Waits for an event of {@code type} received after the first {@code after} events; returns it. */
    Event await(ProviderEvent type, int after) {
        Poll.until(type + " after event " + after + " (received: " + events + ")", Duration.ofSeconds(15), () -> {
            for (int i = after; i < events.size(); i++) {
                if (events.get(i).type() == type) {
                    return true;
                }
            }
            return false;
        });
        for (int i = after; i < events.size(); i++) {
            if (events.get(i).type() == type) {
                return events.get(i);
            }
        }
        throw new AssertionError("unreachable");
    }

    int size() {
        return events.size();
    }

    /** The text of test resource {@code openfeature/<name>}. */
    static String resource(String name) {
        try (InputStream in = Recorded.class.getClassLoader().getResourceAsStream("openfeature/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource openfeature/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces {@code file} with {@code content} atomically (a rename, as deployment tools do); returns it. */
    static Path write(Path file, String content) {
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
