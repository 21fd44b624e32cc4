package io.guidon.controlplane.domain;

import java.util.List;
import java.util.function.Function;

/** One page of a listing: the items, how many match in all, and the sort key after which the next page starts. */
public record Page<T>(List<T> items, long total, String nextAfter) {

    /**
     * The page of {@code rows}, read with {@code LIMIT limit + 1}: one row more than {@code limit} means there is a
     * next page, which starts after the sort key of the last item kept.
     */
    public static <T> Page<T> of(List<T> rows, long total, int limit, Function<T, String> sortKey) {
        if (rows.size() > limit) {
            List<T> items = List.copyOf(rows.subList(0, limit));
            return new Page<>(items, total, sortKey.apply(items.get(limit - 1)));
        }
        return new Page<>(List.copyOf(rows), total, null);
    }
}
