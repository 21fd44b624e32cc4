package io.guidon.controlplane.ui.view;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tenant's calendar of scheduled changes ({@code /ui/schedules}): what will happen (or happened), by due time,
 * grouped by UTC day, filtered by environment, flag and status.
 *
 * @param environment the environment filter (null: every one)
 * @param flag the flag filter (null: every one)
 * @param status the status filter ({@code pending} by default; {@code all}: any)
 * @param environments the tenant's environments, for the filter
 * @param total how many schedules match the filters
 * @param laterUrl the next page, or null
 * @param firstUrl the first page when this is a later one, or null
 * @param problem what was wrong with the query (an unknown status, a cursor from elsewhere), or null
 */
public record CalendarView(Shell shell, String environment, String flag, String status, List<String> environments,
        List<Day> days, long total, String laterUrl, String firstUrl, String problem) {

    /** The statuses the filter offers, {@code all} last. */
    public static final List<String> STATUSES = List.of("pending", "applied", "failed", "cancelled", "all");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);

    /** One UTC day's schedules: its heading, its ISO date and the rows, by due time. */
    public record Day(String label, String iso, List<ScheduleRow> rows) {
    }

    /** {@code rows} (by due time) grouped by their UTC day, in order. */
    public static List<Day> byDay(List<ScheduleRow> rows) {
        Map<String, List<ScheduleRow>> days = new LinkedHashMap<>();
        for (ScheduleRow r : rows) {
            days.computeIfAbsent(r.dueIso().substring(0, 10), d -> new ArrayList<>()).add(r);
        }
        List<Day> out = new ArrayList<>();
        days.forEach((iso, list) -> out.add(new Day(DAY.format(LocalDate.parse(iso)), iso, List.copyOf(list))));
        return out;
    }

    /** The calendar with these filters, after the cursor {@code after} (null: from the first). */
    public static String url(String environment, String flag, String status, String after) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("env", environment);
        q.put("flag", flag);
        q.put("status", "pending".equals(status) ? null : status);
        q.put("after", after);
        return Links.withQuery("/ui/schedules", q);
    }

    /** Whether any filter is set besides the default. */
    public boolean filtered() {
        return environment != null || flag != null || !"pending".equals(status);
    }

    /** The heading's words for the status filter. */
    public String what() {
        return switch (status) {
            case "pending" -> "What will happen";
            case "all" -> "Every scheduled change";
            default -> "Scheduled changes " + status;
        };
    }
}
