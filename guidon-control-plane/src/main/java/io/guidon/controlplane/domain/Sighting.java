package io.guidon.controlplane.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * What one sidecar instance's fetches of its environment's flags showed between two writes: who (the instance id, or
 * the client's address when it sent none; the sidecar key by id and name; its User-Agent), the document version it
 * holds after its last fetch, from where, and when first and last seen (this server's clock).
 */
public record Sighting(long tenantId, long environmentId, String instance, UUID keyId, String keyName,
        String userAgent, long version, String address, Instant firstSeen, Instant lastSeen) {

    /**
     * The two sightings of one instance as one: first seen at the earlier of the two, everything else as the one
     * seen last says (on a tie, {@code later}, the one noted after).
     */
    public static Sighting merge(Sighting earlier, Sighting later) {
        Sighting last = later.lastSeen.isBefore(earlier.lastSeen) ? earlier : later;
        Instant first = earlier.firstSeen.isBefore(later.firstSeen) ? earlier.firstSeen : later.firstSeen;
        return new Sighting(last.tenantId, last.environmentId, last.instance, last.keyId, last.keyName,
                last.userAgent, last.version, last.address, first, last.lastSeen);
    }
}
