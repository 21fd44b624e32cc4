package io.guidon.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.protocol.events.EventBatch;
import io.guidon.protocol.events.EventBatchDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** What a batch adds to the per-day totals: sums of counts and numbers of exposures, in one order, of kept events. */
class DayTotalTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");
    static final String COUNT = "{\"flag\":\"new-checkout\",\"variant\":\"on\",\"minute\":\"2026-11-26T10:14:00Z\",\"count\":7}";
    static final String EXPOSURE = "{\"flag\":\"new-checkout\",\"variant\":\"on\",\"targetingKey\":\"u1\","
            + "\"timestamp\":\"2026-11-26T10:14:31.123Z\"}";
    static final String CONVERSION = "{\"targetingKey\":\"u1\",\"event\":\"checkout-completed\",\"value\":42.5,"
            + "\"timestamp\":\"2026-11-26T10:15:01Z\"}";

    static String batch(String counts, String exposures, String conversions) {
        return "{\"batchId\":\"0b6c3d1e-6f8a-4c0e-9d2b-5a7e1f3c9b40\",\"sidecarId\":\"9a1f0c2e-1111-4c0e-9d2b-5a7e1f3c9b41\","
                + "\"createdAt\":\"2026-11-26T10:15:00Z\",\"counts\":[" + counts + "],\"exposures\":[" + exposures
                + "],\"conversions\":[" + conversions + "]}";
    }

    static EventBatch read(String json) {
        return new EventBatchDecoder(new EventBatchDecoder.Limits(64 * 1024, 10)).decode(
                json.getBytes(StandardCharsets.UTF_8), false, null, NOW.minus(Duration.ofDays(30)),
                NOW.plus(Duration.ofHours(1))).batch();
    }

    @Test
    void theDayTotalsSumCountsAndCountExposuresPerFlagUtcDayAndVariantInOneOrder() {
        EventBatch b = read(batch(
                COUNT + "," + COUNT.replace("\"on\"", "\"off\"") + "," + COUNT.replace(":7", ":5")
                        + "," + COUNT.replace("2026-11-26T10:14", "2026-11-25T23:59").replace(":7", ":1")
                        + "," + COUNT.replace("new-checkout", "a-flag"),
                EXPOSURE + "," + EXPOSURE.replace("u1", "u2") + "," + EXPOSURE.replace("\"on\"", "\"off\""), ""));

        assertThat(DayTotal.of(b)).containsExactly(
                new DayTotal("a-flag", LocalDate.parse("2026-11-26"), "on", 7, 0),
                new DayTotal("new-checkout", LocalDate.parse("2026-11-25"), "on", 1, 0),
                new DayTotal("new-checkout", LocalDate.parse("2026-11-26"), "off", 7, 1),
                new DayTotal("new-checkout", LocalDate.parse("2026-11-26"), "on", 12, 2));
    }

    @Test
    void eventsLeftOutOfABatchAddNothingToItsTotals() {
        EventBatch b = read(batch(COUNT + ",{\"flag\":\"f\",\"variant\":\"on\",\"count\":2}",
                EXPOSURE + "," + EXPOSURE + ",{\"flag\":\"f\",\"variant\":\"on\",\"targetingKey\":\"\","
                        + "\"timestamp\":\"2026-13-01T00:00:00Z\"}",
                "{\"event\":\"x\",\"timestamp\":\"2026-11-26T10:00:00Z\",\"extra\":true}," + CONVERSION));

        assertThat(DayTotal.of(b)).extracting(DayTotal::exposures).containsExactly(2L);
        assertThat(DayTotal.of(b)).extracting(DayTotal::evaluations).containsExactly(7L);
    }
}
