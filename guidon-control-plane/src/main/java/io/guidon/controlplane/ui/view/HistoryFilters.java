package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.service.AuditService;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The filters of a history page as its query string gives them (each null when absent or blank): resource type,
 * environment, action, actor (the name of the key that made the change), a range of UTC days ({@code from} and
 * {@code to}, both included, as {@code YYYY-MM-DD}: what a date input sends) and the cursor {@code after}.
 * {@link #problems()} names each one that is not valid, by field, in words to show next to it.
 */
public record HistoryFilters(String type, String environment, String action, String actor, String from, String to,
        String after) {

    /** The longest text a filter takes, in characters. */
    public static final int MAX_LENGTH = 200;
    /** The resource types the filter offers, sorted. */
    public static final java.util.List<String> TYPES = java.util.List.copyOf(new TreeSet<>(
            AuditService.RESOURCE_TYPES));
    /** The actions the services record (the filter's suggestions; any other text is accepted and matches none). */
    public static final java.util.List<String> ACTIONS = java.util.List.of("flag.create", "flag.update",
            "flag.delete", "flag.configure", "flag.enable", "flag.disable", "flag.rollout", "segment.create",
            "segment.update", "segment.delete", "environment.create", "environment.update", "environment.delete",
            "key.create", "key.revoke", "tenant.create", "schedule.create", "schedule.cancel", "schedule.fail");

    /** The filters of the query whose first value of each parameter {@code query} answers (null: absent). */
    public static HistoryFilters parse(Function<String, String> query) {
        return new HistoryFilters(clean(query.apply("type")), clean(query.apply("env")), clean(query.apply("action")),
                clean(query.apply("actor")), clean(query.apply("from")), clean(query.apply("to")),
                clean(query.apply("after")));
    }

    private static String clean(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** Each filter that is not valid, by its field name, with what is wrong; empty when all are. */
    public Map<String, String> problems() {
        Map<String, String> out = new LinkedHashMap<>();
        if (type != null && !TYPES.contains(type)) {
            out.put("type", "Choose one of " + String.join(", ", TYPES) + ".");
        }
        tooLong("env", environment, out);
        tooLong("action", action, out);
        tooLong("actor", actor, out);
        LocalDate first = day("from", from, out);
        LocalDate last = day("to", to, out);
        if (first != null && last != null && first.isAfter(last)) {
            out.put("to", "The last day (" + last + ") is before the first (" + first + ").");
        }
        if (after != null && !after.matches("\\d{1,18}")) {
            out.put("after", "This page's cursor is not valid; start again from the newest entries.");
        }
        return out;
    }

    private static void tooLong(String field, String v, Map<String, String> out) {
        if (v != null && v.length() > MAX_LENGTH) {
            out.put(field, "At most " + MAX_LENGTH + " characters.");
        }
    }

    private static LocalDate day(String field, String v, Map<String, String> out) {
        if (v == null) {
            return null;
        }
        if (v.matches("\\d{4}-\\d{2}-\\d{2}")) {
            try {
                return LocalDate.parse(v);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        out.put(field, "Enter a date as YYYY-MM-DD, such as 2026-01-31.");
        return null;
    }

    /** Whether any filter (not the cursor) is set. */
    public boolean any() {
        return type != null || environment != null || action != null || actor != null || from != null || to != null;
    }

    /**
     * The audit query of these filters within {@code scope} (whose own resource, type and environment win); the
     * days become instants: {@code from} at its start, {@code to} at the start of the next day (exclusive).
     * Call only when {@link #problems()} is empty.
     */
    public AuditService.Query query(HistoryScope scope) {
        String t = scope.resourceType() != null ? scope.resourceType() : type;
        String env = scope.kind() == HistoryScope.Kind.SEGMENT ? scope.environment() : environment;
        String start = from == null ? null : LocalDate.parse(from) + "T00:00:00Z";
        String end = to == null ? null : LocalDate.parse(to).plusDays(1) + "T00:00:00Z";
        return new AuditService.Query(t, scope.resource(), env, action, start, end, after, actor);
    }

    /** The URL of {@code scope}'s page with these filters and the cursor {@code cursor} (null: the newest). */
    public String url(HistoryScope scope, String cursor) {
        Map<String, String> params = new LinkedHashMap<>();
        if (scope.filtersType()) {
            params.put("type", type);
        }
        if (scope.filtersEnvironment()) {
            params.put("env", environment);
        }
        params.put("action", action);
        params.put("actor", actor);
        params.put("from", from);
        params.put("to", to);
        params.put("after", cursor);
        return Links.withQuery(scope.path(), params);
    }
}
