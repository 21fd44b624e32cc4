package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.Schedule;
import io.guidon.controlplane.service.ScheduleService;
import io.guidon.json.Pointer;
import io.guidon.json.ValueChecks;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Scheduled changes (docs/adr/0114-scheduled-changes.md): {@code POST}/{@code GET
 * /api/v1/environments/{env}/flags/{flag}/schedules}, {@code GET}/{@code DELETE .../schedules/{id}} (DELETE cancels)
 * and {@code GET /api/v1/schedules}, the tenant's calendar. The change in a schedule is read by
 * {@link ChangeBodies}, as the direct routes read theirs; the handlers run on virtual threads ({@link AdminThreads}).
 */
public final class ScheduleRoutes {

    /** Where a schedule's body holds its change: the engine's violations of the change are placed under it. */
    static final Pointer CHANGE = Pointer.of("change");
    /**
     * An RFC 3339 date-time (section 5.6): a full date, {@code T}, a time with seconds and an optional fraction, and
     * an offset ({@code Z} or {@code +hh:mm}); {@code T} and {@code Z} may be lower case, as the RFC allows.
     */
    private static final Pattern RFC_3339 = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");
    /** The same without an offset: a local time, which names no instant. */
    private static final Pattern LOCAL = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");
    private static final String EXAMPLE = "2026-12-07T09:00:00+01:00";

    private final ScheduleService schedules;
    private final io.guidon.controlplane.service.ChangeRequestService changeRequests;
    private final AdminThreads threads;
    private final Responses json = new Responses();

    /** {@code changeRequests}: where a schedule in an environment that requires approvals is proposed. */
    public ScheduleRoutes(ScheduleService schedules,
            io.guidon.controlplane.service.ChangeRequestService changeRequests, AdminThreads threads) {
        this.schedules = schedules;
        this.changeRequests = changeRequests;
        this.threads = threads;
    }

    public void register(ApiRouter api) {
        String flagSchedules = Routes.V1 + "/environments/:env/flags/:flag/schedules";
        api.add(HttpMethod.POST, flagSchedules, Role.EDITOR, "Schedule a change of a flag in an environment",
                this::create);
        api.add(HttpMethod.GET, flagSchedules, Role.VIEWER, "List a flag's schedules in an environment, by due time",
                List.of("status", "from", "to", "limit", "cursor"), this::listForFlag);
        api.add(HttpMethod.GET, flagSchedules + "/:id", Role.VIEWER, "Read a schedule", this::get);
        api.add(HttpMethod.DELETE, flagSchedules + "/:id", Role.EDITOR, "Cancel a pending schedule", this::cancel);
        api.add(HttpMethod.GET, Routes.V1 + "/schedules", Role.VIEWER, "List the tenant's schedules, by due time",
                List.of("environment", "flag", "status", "from", "to", "limit", "cursor"), this::list);
    }

    private static String location(Schedule s) {
        return Routes.V1 + "/environments/" + s.environment() + "/flags/" + s.flag() + "/schedules/" + s.id();
    }

    private Future<Reply> create(Call call) {
        Integer ifMatch = call.ifMatch();
        String env = call.param("env");
        String flag = call.param("flag");
        Fields f = call.fields().allow("at", "change", "ifChanged");
        OffsetDateTime due = instant(f, "at");
        Schedule.IfChanged ifChanged = ifChanged(f);
        Fields change = f.object("change");
        ChangeBodies.Read read = change == null ? new ChangeBodies.Read(null, f.violations())
                : ChangeBodies.change(change, env, flag);
        // Not f.done(): the request's problems are answered with the engine's, in one 422.
        ScheduleService.Request request = new ScheduleService.Request(env, flag, due, read.change(), ifChanged,
                ifMatch, CHANGE);
        return threads.run(() -> {
            try {
                Schedule s = schedules.create(call.actor(), request, read.violations());
                return Reply.created(json.schedule(s), location(s));
            } catch (io.guidon.controlplane.domain.DomainException e) {
                if (e.kind() != io.guidon.controlplane.domain.DomainException.Kind.APPROVAL_REQUIRED) {
                    throw e;
                }
                // A gated environment: the schedule exists only once a change request making it is approved and
                // applied (schedule.create); its application at its time then carries that approval.
                return ChangeRequestRoutes.proposed(json, changeRequests.proposeSchedule(call.actor(), request));
            }
        });
    }

    /**
     * The RFC 3339 instant in member {@code field} (with its offset: a time without one names no instant); null,
     * with the problem recorded in {@code f}, when it is missing or not one.
     */
    static OffsetDateTime instant(Fields f, String field) {
        JsonNode v = f.raw(field);
        if (v == null) {
            f.error(field, "required: the instant to apply the change at, with its offset (RFC 3339), such as "
                    + EXAMPLE);
            return null;
        }
        if (!v.isTextual()) {
            f.error(field, "must be an instant with its offset (RFC 3339), such as " + EXAMPLE + ", not "
                    + Fields.kind(v));
            return null;
        }
        String text = v.textValue().strip();
        if (LOCAL.matcher(text).matches()) {
            f.error(field, "has no offset, so it names no instant: add the offset of its timezone (" + EXAMPLE
                    + ", or Z for UTC)");
            return null;
        }
        if (RFC_3339.matcher(text).matches()) {
            try {
                OffsetDateTime t = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT),
                        DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                String problem = ValueChecks.instantProblem(t.toInstant());
                if (problem == null) {
                    return t;
                }
                f.error(field, problem);
                return null;
            } catch (DateTimeParseException e) {
                // a date or a time that does not exist (2026-02-30, 25:00): said below
            }
        }
        f.error(field, "must be an instant with its offset (RFC 3339), such as " + EXAMPLE + ", not '"
                + ValueChecks.printable(v.textValue(), 60) + "'");
        return null;
    }

    /** {@code ifChanged}: {@code fail} (the default) or {@code apply}. */
    private static Schedule.IfChanged ifChanged(Fields f) {
        JsonNode v = f.raw("ifChanged");
        if (v == null) {
            return Schedule.IfChanged.FAIL;
        }
        Schedule.IfChanged p = v.isTextual() ? Schedule.IfChanged.parse(v.textValue()) : null;
        if (p == null) {
            f.error("ifChanged", "must be fail (if the flag changed after the change was scheduled, do not apply"
                    + " it) or apply (apply it on top), not " + (v.isTextual()
                    ? "'" + ValueChecks.printable(v.textValue(), 40) + "'" : Fields.kind(v)));
            return Schedule.IfChanged.FAIL;
        }
        return p;
    }

    private static long id(Call call) {
        String id = call.param("id");
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw ApiException.notFound("no schedule '" + ValueChecks.printable(String.valueOf(id), 40) + "'");
        }
        return Long.parseLong(id);
    }

    private Future<Reply> get(Call call) {
        long id = id(call);
        return threads.run(() -> Reply.ok(json.schedule(schedules.get(call.tenantId(), call.param("env"),
                call.param("flag"), id))));
    }

    private Future<Reply> cancel(Call call) {
        long id = id(call);
        return threads.run(() -> Reply.ok(json.schedule(schedules.cancel(call.actor(), call.param("env"),
                call.param("flag"), id))));
    }

    private Future<Reply> listForFlag(Call call) {
        ScheduleService.Query query = new ScheduleService.Query(call.param("env"), call.param("flag"),
                call.query("status"), call.query("from"), call.query("to"), call.after());
        int limit = call.limit();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, schedules.listForFlag(call.tenantId(), query, limit),
                limit, json::schedule)));
    }

    private Future<Reply> list(Call call) {
        return list(call, new ScheduleService.Query(call.query("environment"), call.query("flag"),
                call.query("status"), call.query("from"), call.query("to"), call.after()));
    }

    private Future<Reply> list(Call call, ScheduleService.Query query) {
        int limit = call.limit();
        return threads.run(() -> Reply.ok(Routes.pageJson(call, schedules.list(call.tenantId(), query, limit), limit,
                json::schedule)));
    }
}
