package io.guidon.controlplane.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One batch of events from a sidecar, read and validated by {@link EventBatchReader}: evaluation counts per flag,
 * variant and minute, exposures, and conversions, and what they add to the day totals. Every key, name and time in
 * it has been checked.
 */
public record EventBatch(UUID batchId, UUID sidecarId, Instant createdAt, List<Count> counts,
        List<Exposure> exposures, List<Conversion> conversions, List<DayTotal> totals) {

    /** Builds a batch and its {@link #totals}. */
    public static EventBatch of(UUID batchId, UUID sidecarId, Instant createdAt, List<Count> counts,
            List<Exposure> exposures, List<Conversion> conversions) {
        return new EventBatch(batchId, sidecarId, createdAt, counts, exposures, conversions,
                totals(counts, exposures));
    }

    /** {@code count} evaluations of {@code flag} serving {@code variant} in the minute starting at {@code minute}. */
    public record Count(String flag, String variant, Instant minute, long count) {
    }

    /** {@code flag} served {@code variant} to {@code targetingKey} at {@code timestamp}. */
    public record Exposure(String flag, String variant, String targetingKey, Instant timestamp) {
    }

    /** {@code targetingKey} did {@code event} (with an optional {@code value}) at {@code timestamp}. */
    public record Conversion(String targetingKey, String event, Double value, Instant timestamp) {
    }

    /** What a batch adds to one flag's totals of one UTC day for one variant. */
    public record DayTotal(String flag, LocalDate day, String variant, long evaluations, long exposures) {
    }

    private record TotalKey(String flag, LocalDate day, String variant) {
    }

    private static final Comparator<TotalKey> ORDER = Comparator.comparing(TotalKey::flag)
            .thenComparing(TotalKey::day).thenComparing(TotalKey::variant);

    /**
     * Evaluations (the sum of the counts) and exposures by flag, UTC day and variant, each once, sorted by flag, day
     * and variant: writers that lock total rows in this one order cannot deadlock each other.
     */
    static List<DayTotal> totals(List<Count> counts, List<Exposure> exposures) {
        Map<TotalKey, long[]> sums = new TreeMap<>(ORDER);
        for (Count c : counts) {
            sums.computeIfAbsent(new TotalKey(c.flag(), day(c.minute()), c.variant()), k -> new long[2])[0]
                    += c.count();
        }
        for (Exposure x : exposures) {
            sums.computeIfAbsent(new TotalKey(x.flag(), day(x.timestamp()), x.variant()), k -> new long[2])[1]++;
        }
        List<DayTotal> out = new ArrayList<>(sums.size());
        sums.forEach((k, v) -> out.add(new DayTotal(k.flag(), k.day(), k.variant(), v[0], v[1])));
        return out;
    }

    private static LocalDate day(Instant i) {
        return LocalDate.ofInstant(i, ZoneOffset.UTC);
    }

    /** Counts + exposures + conversions. */
    public int events() {
        return counts.size() + exposures.size() + conversions.size();
    }
}
