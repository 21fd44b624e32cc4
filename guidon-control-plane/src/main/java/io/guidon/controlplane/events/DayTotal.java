package io.guidon.controlplane.events;

import io.guidon.protocol.events.EventBatch;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a batch adds to one flag's totals of one UTC day for one variant: evaluations and exposures. */
public record DayTotal(String flag, LocalDate day, String variant, long evaluations, long exposures) {

    private record Key(String flag, LocalDate day, String variant) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::flag).thenComparing(Key::day)
            .thenComparing(Key::variant);

    /**
     * The batch's evaluations (the sum of its counts) and exposures by flag, UTC day and variant, each once, sorted
     * by flag, day and variant: writers that lock total rows in this one order cannot deadlock each other.
     */
    public static List<DayTotal> of(EventBatch batch) {
        Map<Key, long[]> sums = new TreeMap<>(ORDER);
        for (EventBatch.Count c : batch.counts()) {
            sums.computeIfAbsent(new Key(c.flag(), day(c.minute()), c.variant()), k -> new long[2])[0] += c.count();
        }
        for (EventBatch.Exposure x : batch.exposures()) {
            sums.computeIfAbsent(new Key(x.flag(), day(x.timestamp()), x.variant()), k -> new long[2])[1]++;
        }
        List<DayTotal> out = new ArrayList<>(sums.size());
        sums.forEach((k, v) -> out.add(new DayTotal(k.flag(), k.day(), k.variant(), v[0], v[1])));
        return out;
    }

    private static LocalDate day(Instant i) {
        return LocalDate.ofInstant(i, ZoneOffset.UTC);
    }
}
