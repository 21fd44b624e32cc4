package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.FlagSort;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The flag list's query as applied (defaults filled in, the page clamped to the last), and the links that change
 * it: a column header's sort, the previous and next pages. Every link keeps the rest of the query and leaves out
 * what is at its default, so a URL names only what the user chose (and a bookmark or a reload shows the same list).
 *
 * @param q the search text; null when none
 * @param tag the tag filter; null when none
 * @param sort {@code key}, {@code updated} or {@code evaluations}
 * @param descending the direction
 * @param page 1-based, as the URL's {@code page} and the "page N of M" text count
 * @param pageSize flags per page
 */
public record FlagListCriteria(String q, String tag, String sort, boolean descending, int page, int pageSize) {

    /** The path of the list. */
    public static final String PATH = "/ui/flags";
    /** The page sizes the page offers. */
    public static final List<Integer> PAGE_SIZES = List.of(25, 50, 100, 200);
    /** Flags per page by default. */
    public static final int DEFAULT_PAGE_SIZE = 50;

    /**
     * Whether {@code sort} ({@link FlagSort#param()}) reads descending when no direction is named: the latest and
     * busiest flags first.
     */
    public static boolean descendingByDefault(String sort) {
        FlagSort s = FlagSort.ofParam(sort);
        return s != null && s.descendingByDefault();
    }

    /**
     * The 1-based page of the URL's {@code page} parameter (null or blank: 1).
     *
     * @return the page, or -1 when the text is not a whole number from 1 (the caller says so)
     */
    public static int pageParam(String text) {
        if (text == null || text.isBlank()) {
            return 1;
        }
        try {
            int n = Integer.parseInt(text.strip());
            return n >= 1 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The URL of this query. */
    public String url() {
        return url(q, tag, sort, descending, page, pageSize);
    }

    /** The URL of page {@code n} (1-based) of this query. */
    public String pageUrl(int n) {
        return url(q, tag, sort, descending, n, pageSize);
    }

    /**
     * The URL a click on {@code column}'s header goes to: the other direction when the list is sorted by it, else
     * sorted by it in its default direction; from the first page.
     */
    public String sortUrl(String column) {
        boolean desc = column.equals(sort) ? !descending : descendingByDefault(column);
        return url(q, tag, column, desc, 1, pageSize);
    }

    /** The URL of the first page filtered by {@code t} instead (null: every tag), sorted as now. */
    public String tagUrl(String t) {
        return url(q, t, sort, descending, 1, pageSize);
    }

    /** {@code aria-sort} of {@code column}'s header: ascending or descending when sorted by it, else null. */
    public String ariaSort(String column) {
        if (!column.equals(sort)) {
            return null;
        }
        return descending ? "descending" : "ascending";
    }

    /** The arrow shown after {@code column}'s header: ▲ or ▼ when sorted by it, else a faint ↕. */
    public String arrow(String column) {
        if (!column.equals(sort)) {
            return "\u2195";
        }
        return descending ? "\u25bc" : "\u25b2";
    }

    /** What a click on {@code column}'s header does, for its accessible name. */
    public String sortAction(String column, String label) {
        boolean desc = column.equals(sort) ? !descending : descendingByDefault(column);
        return "Sort by " + label + (desc ? ", descending" : ", ascending");
    }

    /** The page sizes to offer: {@link #PAGE_SIZES}, and this query's when it is another (typed in the URL). */
    public List<Integer> pageSizes() {
        if (PAGE_SIZES.contains(pageSize)) {
            return PAGE_SIZES;
        }
        java.util.TreeSet<Integer> all = new java.util.TreeSet<>(PAGE_SIZES);
        all.add(pageSize);
        return List.copyOf(all);
    }

    /** The {@code sort} field of the filter form: "" for the default (by key). */
    public String sortField() {
        return "key".equals(sort) ? "" : sort;
    }

    /** The {@code direction} field of the filter form: "" for the sort's default direction. */
    public String directionField() {
        return descending == descendingByDefault(sort) ? "" : direction();
    }

    /** The direction as the query names it. */
    public String direction() {
        return descending ? "desc" : "asc";
    }

    private static String url(String q, String tag, String sort, boolean descending, int page, int pageSize) {
        StringBuilder b = new StringBuilder(PATH);
        if (q != null && !q.isEmpty()) {
            add(b, "q", q);
        }
        if (tag != null && !tag.isEmpty()) {
            add(b, "tag", tag);
        }
        if (!"key".equals(sort)) {
            add(b, "sort", sort);
        }
        if (descending != descendingByDefault(sort)) {
            add(b, "direction", descending ? "desc" : "asc");
        }
        if (page > 1) {
            add(b, "page", Integer.toString(page));
        }
        if (pageSize != DEFAULT_PAGE_SIZE) {
            add(b, "pageSize", Integer.toString(pageSize));
        }
        return b.toString();
    }

    private static void add(StringBuilder b, String name, String value) {
        b.append(b.indexOf("?") < 0 ? '?' : '&').append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    }
}
