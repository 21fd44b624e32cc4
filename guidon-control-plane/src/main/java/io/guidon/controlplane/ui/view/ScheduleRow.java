package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.domain.StoredJson;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A schedule as the pages list it: when (exact in UTC, and relative to now), what it does in words, what became of
 * it, and who scheduled it. Pure: "now" is given.
 *
 * @param dueTime the time of day in UTC ({@code 08:00:00}), for a list grouped by UTC day
 * @param relative how far away it is ("in 2 h", "3 min ago")
 * @param summary what it does ("turn on", "serve true to 25 %")
 * @param outcome what became of it, for a schedule no longer pending ("applied at ...", the reason it failed,
 *     "cancelled by ..."); null while pending
 */
public record ScheduleRow(long id, String flag, String environment, String dueExact, String dueIso, String dueTime,
        String relative, String summary, String status, boolean late, String createdBy, String outcome) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** The row of {@code s} at {@code now}. */
    public static ScheduleRow of(Schedule s, Instant now) {
        String outcome = switch (s.status()) {
            case PENDING -> null;
            case APPLIED -> "applied " + Moments.exact(s.appliedAt()) + (s.late() ? ", late" : "")
                    + (s.appliedRevision() == null ? "" : " (revision " + s.appliedRevision() + ")");
            case FAILED -> "not applied: " + s.failure();
            case CANCELLED -> "cancelled " + Moments.exact(s.cancelledAt()) + (s.cancelledBy() == null ? ""
                    : " by " + s.cancelledBy().name());
        };
        return new ScheduleRow(s.id(), s.flag(), s.environment(), Moments.exact(s.due()), Moments.iso(s.due()),
                TIME.format(s.due().withOffsetSameInstant(ZoneOffset.UTC)), relative(s.due().toInstant(), now),
                summary(s.change()), s.status().jsonName(), s.late(), s.createdBy().name(), outcome);
    }

    /** {@code t} relative to {@code now}: "in N min", "in N h", "in N days" ahead; {@link Moments#ago} behind. */
    static String relative(Instant t, Instant now) {
        Duration d = Duration.between(now, t);
        if (d.isNegative()) {
            return Moments.ago(t.atOffset(ZoneOffset.UTC), now);
        }
        if (d.toSeconds() < 60) {
            return "in less than a minute";
        }
        if (d.toMinutes() < 60) {
            return "in " + d.toMinutes() + " min";
        }
        if (d.toHours() < 48) {
            return "in " + d.toHours() + " h";
        }
        return "in " + d.toDays() + " days";
    }

    /** What {@code change} does, in words. */
    static String summary(ProposedChange change) {
        return switch (change) {
            case ProposedChange.Toggle t -> t.enabled() ? "turn on" : "turn off";
            case ProposedChange.Rollout r when r.percentage() != null -> "serve true to "
                    + r.percentage().asText() + " %";
            case ProposedChange.Rollout r -> "roll out " + weights(r.weights());
            case ProposedChange.Configure c -> "replace its configuration";
            default -> change.kind();
        };
    }

    private static String weights(JsonNode weights) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weights.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.add(e.getKey() + " " + StoredJson.write(e.getValue()) + " %");
        }
        return String.join(", ", parts);
    }

    /** The URL the cancel button posts to. */
    public String cancelAction() {
        return "/ui/flags/" + Links.encode(flag) + "/env/" + Links.encode(environment) + "/schedules/" + id
                + "/cancel";
    }

    /** The flag's page in the schedule's environment. */
    public String flagUrl() {
        return Links.flag(flag) + "?env=" + Links.encode(environment);
    }

    public boolean pending() {
        return "pending".equals(status);
    }
}
