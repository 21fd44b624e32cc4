package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.service.Overview;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * The flags page: one page of the tenant's flags with a column per environment, the query that found them and
 * the links that change it.
 *
 * @param criteria the query as applied
 * @param environments the columns, in the order of each row's cells
 * @param rows the page's flags, in order
 * @param total how many flags match in all
 * @param pageCount how many pages the matches fill (at least 1)
 * @param tags every tag of the tenant's flags, for the filter
 * @param fragment whether only the results are rendered (an htmx request), not the page around them
 * @param now when the page is rendered, for the relative times
 */
public record FlagListView(Shell shell, FlagListCriteria criteria, List<Column> environments, List<Row> rows,
        long total, int pageCount, List<String> tags, boolean fragment, Instant now) {

    public FlagListView {
        environments = List.copyOf(environments);
        rows = List.copyOf(rows);
        tags = List.copyOf(tags);
    }

    /**
     * The page of {@code overview} (the read model's page: its 0-based page becomes the 1-based one of the URL and
     * the text), with {@code tags} for the filter (empty for a fragment, which does not show the filter).
     */
    public static FlagListView of(Shell shell, Overview overview, List<String> tags, boolean fragment, Instant now) {
        Overview.Criteria c = overview.criteria();
        FlagListCriteria criteria = new FlagListCriteria(c.q(), c.tag(), c.sort().param(), c.descending(),
                c.page() + 1, c.pageSize());
        List<Column> columns = overview.environments().stream().map(e -> new Column(e.key(), e.name())).toList();
        List<Row> rows = overview.flags().stream().map(f -> new Row(f.key(), f.name(), f.description(), f.tags(),
                f.updatedAt(), f.evaluations24h(), f.environments().stream().map(s -> new Cell(s.environment(),
                        s.enabled(), s.serves().summary(), s.serves().isRollout(), s.rules(), s.targets(),
                        s.configured())).toList())).toList();
        return new FlagListView(shell, criteria, columns, rows, overview.total(), overview.pageCount(), tags,
                fragment, now);
    }

    /** An environment: a column. */
    public record Column(String key, String name) {

        /** The header's label: the name, or the key when the name says nothing more. */
        public String label() {
            return name == null || name.isBlank() ? key : name;
        }

        /** Whether the header shows the key under the name (when the name is more than the key capitalized). */
        public boolean showsKey() {
            return !label().equalsIgnoreCase(key);
        }
    }

    /**
     * A flag: a row; {@code name} its display name ('' when none), {@code cells} in the order of
     * {@link #environments()}.
     */
    public record Row(String key, String name, String description, List<String> tags, OffsetDateTime updatedAt,
            long evaluations24h, List<Cell> cells) {
    }

    /**
     * A flag in one environment: on or off, what it serves ({@code serves}: a variant, or a rollout's shares), and
     * how many rules and targets it has there; {@code configured} false when it has no configuration there.
     */
    public record Cell(String environment, boolean enabled, String serves, boolean rollout, int rules, int targets,
            boolean configured) {

        /** The small print under on/off: what it serves, and its rules and targets when it has any. */
        public String detail() {
            StringBuilder b = new StringBuilder();
            if (serves != null && !serves.isEmpty()) {
                b.append(rollout ? "rollout " : "serves ").append(serves);
            }
            if (enabled && rules > 0) {
                b.append(b.isEmpty() ? "" : " \u00b7 ").append(rules).append(rules == 1 ? " rule" : " rules");
            }
            if (enabled && targets > 0) {
                b.append(b.isEmpty() ? "" : " \u00b7 ").append(targets).append(targets == 1 ? " target" : " targets");
            }
            return b.toString();
        }
    }

    /** "page N of M". */
    public String pageText() {
        return "Page " + criteria.page() + " of " + pageCount;
    }

    public boolean hasPrevious() {
        return criteria.page() > 1;
    }

    public boolean hasNext() {
        return criteria.page() < pageCount;
    }

    /** What the list shows, for the live region: "1,234 flags match “pay” tagged “checkout”". */
    public String summary() {
        StringBuilder b = new StringBuilder(count(total)).append(total == 1 ? " flag" : " flags");
        if (criteria.q() != null || criteria.tag() != null) {
            b.append(total == 1 ? " matches" : " match");
            if (criteria.q() != null) {
                b.append(" \u201c").append(criteria.q()).append('\u201d');
            }
            if (criteria.tag() != null) {
                b.append(" tagged \u201c").append(criteria.tag()).append('\u201d');
            }
        }
        return b.toString();
    }

    /** {@code n} with thousands separators (1,234,567). */
    public static String count(long n) {
        return NumberFormat.getIntegerInstance(Locale.ENGLISH).format(n);
    }

    public String ago(OffsetDateTime t) {
        return Moments.ago(t, now);
    }
}
