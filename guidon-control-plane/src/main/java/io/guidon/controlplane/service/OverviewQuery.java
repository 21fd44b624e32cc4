package io.guidon.controlplane.service;

/**
 * What the flag list asks for, as the request gave it: every field is the raw text of a query parameter, null when
 * absent (blank counts as absent). {@link FlagOverviewService#list} checks them all at once and names each bad one
 * by the component's name, so a page that uses these names as its query parameters gets errors that name what the
 * user sent.
 *
 * @param q search as you type: a case-insensitive substring of the key, the name, the description or any tag
 * @param tag only flags with exactly this tag (case-sensitive)
 * @param sort {@code key} (the default), {@code updated} or {@code evaluations}
 * @param direction {@code asc} or {@code desc}; by default {@code asc} for {@code key}, {@code desc} for the others
 * @param page the 0-based page number (default 0); a page beyond the last answers the last page
 * @param pageSize flags per page, 1 to {@link FlagOverviewService#MAX_PAGE_SIZE} (default
 *     {@link FlagOverviewService#DEFAULT_PAGE_SIZE})
 */
public record OverviewQuery(String q, String tag, String sort, String direction, String page, String pageSize) {

    /** The first page of all flags, by key. */
    public static OverviewQuery all() {
        return new OverviewQuery(null, null, null, null, null, null);
    }

    /** The first page of the flags that {@code q} finds, by key. */
    public static OverviewQuery search(String q) {
        return new OverviewQuery(q, null, null, null, null, null);
    }

    /** This query on 0-based page {@code page}. */
    public OverviewQuery onPage(int page) {
        return new OverviewQuery(q, tag, sort, direction, Integer.toString(page), pageSize);
    }

    /** This query sorted by {@code sort} ({@code key}, {@code updated}, {@code evaluations}) in {@code direction}. */
    public OverviewQuery sortedBy(String sort, String direction) {
        return new OverviewQuery(q, tag, sort, direction, page, pageSize);
    }
}
