package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.Segment;
import java.util.List;

/**
 * The segments page: the environments to choose from, the chosen one ({@code env}, null when there is none), the
 * search {@code q}, and one page of the environment's segments matching it ({@code next}: the cursor of the next
 * page, null at the end).
 */
public record SegmentListView(Shell shell, List<String> environments, String env, String q, List<Segment> segments,
        long total, String next) {

    /** The number of entries of a segment's list ({@code included}, {@code excluded}, {@code rules}). */
    public static int count(Segment s, String field) {
        var v = s.definition().get(field);
        return v != null && v.isArray() ? v.size() : 0;
    }
}
