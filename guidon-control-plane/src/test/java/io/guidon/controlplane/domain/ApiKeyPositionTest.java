package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The position of a key in the listing of a tenant's keys, which the page cursor carries: written as
 * {@code <epoch micros>:<id>}, read back exactly, and anything else refused (so that the service answers a 400 naming
 * the cursor rather than the database failing on it).
 */
class ApiKeyPositionTest {

    private static final UUID ID = UUID.fromString("0b6e7c1a-3f5d-4a8e-9c2b-7d1e5f4a3b21");
    private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 1, 31, 12, 0, 0, 123_456_000,
            ZoneOffset.UTC);

    @Test
    void aKeysPositionIsItsCreationInMicrosecondsThenItsId() {
        ApiKey key = new ApiKey(ID, "ci", "editor", null, "abcdefghijkl", CREATED, null, null);

        assertThat(key.position().text()).isEqualTo("1769860800123456:" + ID);
    }

    @Test
    void theTextIsReadBackExactlyInUtc() {
        OffsetDateTime inParis = CREATED.withOffsetSameInstant(ZoneOffset.ofHours(1));
        ApiKey.Position written = new ApiKey.Position(inParis, ID);

        ApiKey.Position read = ApiKey.Position.parse(written.text());

        assertThat(read).isEqualTo(new ApiKey.Position(CREATED, ID));
        assertThat(read.createdAt().getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(ApiKey.Position.parse("0:" + ID)).isEqualTo(new ApiKey.Position(
                OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), ID));
    }

    @Test
    void theLargestNumberOfMicrosecondsIsStillATime() {
        // Nine quintillion microseconds is about the year 294247, still within PostgreSQL's timestamptz range; the
        // old arithmetic (nanoseconds in a long) overflowed from the year 2262 on.
        ApiKey.Position far = ApiKey.Position.parse(Long.MAX_VALUE + ":" + ID);

        assertThat(far).isNotNull();
        assertThat(far.createdAt().getYear()).isEqualTo(294247);
        assertThat(far.text()).isEqualTo(Long.MAX_VALUE + ":" + ID);
    }

    @Test
    void anythingElseIsNotAPositionOfTheListing() {
        for (String text : new String[] {
                "flag-a", // the sort key of another listing
                "", ":" + ID, "1769860800123456", "1769860800123456:",
                "-1:" + ID, // a sign
                "12345678901234567890:" + ID, // twenty digits
                "9999999999999999999:" + ID, // nineteen digits beyond a long
                "1:" + ID.toString().toUpperCase(java.util.Locale.ROOT), // not as this server writes ids
                "1:------------------------------------", // thirty-six characters that are not a UUID
                "1:" + ID + " ", "1:" + ID + ":2"}) {
            assertThat(ApiKey.Position.parse(text)).as(text).isNull();
        }
        assertThat(ApiKey.Position.parse(null)).isNull();
    }
}
