package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.TimeParameters;
import io.guidon.controlplane.domain.Conversion;
import io.guidon.controlplane.domain.Page;
import io.guidon.controlplane.service.ConversionService;
import io.guidon.controlplane.domain.ConversionTotal;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code POST /v1/track} sent, read back: {@code GET /api/v1/conversions}, an environment's raw conversions
 * newest first (a range of at most {@link #MAX_RANGE}, the last {@link #DEFAULT_RANGE} unless given), and
 * {@code GET /api/v1/flags/{flag}/conversions}, a flag's conversion totals per variant and event over UTC days, with
 * the parameters of {@code GET /api/v1/flags/{flag}/exposures} (the last 30 days unless given, at most
 * {@code events.max-query-days}).
 */
public final class ConversionRoutes {

    /** The longest range of raw conversions one listing reads: they are scanned newest first within it. */
    static final Duration MAX_RANGE = Duration.ofDays(31);
    /** The range of raw conversions when {@code from} is not given: the last day before {@code to}. */
    static final Duration DEFAULT_RANGE = Duration.ofDays(1);

    private final ConversionService conversions;
    private final AdminThreads threads;
    private final Clock clock;
    private final int maxQueryDays;

    /** @param maxQueryDays the longest range of days the totals cover ({@code events.max-query-days}) */
    public ConversionRoutes(ConversionService conversions, AdminThreads threads, Clock clock, int maxQueryDays) {
        this.conversions = conversions;
        this.threads = threads;
        this.clock = clock;
        this.maxQueryDays = maxQueryDays;
    }

    public void register(ApiRouter api) {
        api.add(HttpMethod.GET, Routes.V1 + "/conversions", Role.VIEWER,
                "List the conversions an environment's applications sent (POST /v1/track), newest first",
                List.of("environment", "event", "targetingKey", "from", "to", "limit", "cursor"), this::list);
        api.add(HttpMethod.GET, Routes.V1 + "/flags/:flag/conversions", Role.VIEWER,
                "Conversion totals of a flag's exposed users per variant and event in an environment",
                List.of("environment", "from", "to"), this::totals);
    }

    private Future<Reply> list(Call call) {
        List<FieldError> errors = new ArrayList<>();
        String environment = call.query("environment");
        if (environment == null) {
            errors.add(FieldError.named("environment", "required: the key of the environment"));
        }
        String event = call.query("event");
        if (event != null) {
            io.guidon.protocol.EventRules.Problem p = io.guidon.protocol.EventRules.eventName(event);
            if (p != null) {
                // No conversion can have such a name (POST /v1/track refuses it): a typo, said as one.
                errors.add(FieldError.named("event", p.message() + " (got '" + event + "')"));
            }
        }
        Instant to = instant(call.query("to"), "to", errors);
        Instant from = instant(call.query("from"), "from", errors);
        if (errors.isEmpty()) {
            if (to == null) {
                // Just after now: an event stamped this microsecond is in.
                to = clock.instant().plus(1, ChronoUnit.MICROS);
            }
            if (from == null) {
                from = to.minus(DEFAULT_RANGE);
            }
            if (!from.isBefore(to)) {
                errors.add(FieldError.named("from", "must be before to (" + from + " is not before " + to
                        + (call.query("to") == null ? ", now, since to is not given" : "") + ")"));
            } else if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
                // Said of the parameter the user gave: a defaulted to (now) is not theirs to fix.
                boolean toGiven = call.query("to") != null;
                errors.add(FieldError.named(toGiven ? "to" : "from", "the range from " + from + " to " + to
                        + (toGiven ? "" : " (now: to is not given)") + " is longer than " + MAX_RANGE.toDays()
                        + " days, the most one listing reads: from and to must be at most " + MAX_RANGE.toDays()
                        + " days apart"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidParameter(errors);
        }
        ConversionService.Query q = new ConversionService.Query(environment, event,
                call.query("targetingKey"), from, to, call.after());
        int limit = call.limit();
        long tenant = call.tenantId();
        Instant first = from;
        Instant last = to;
        return threads.run(() -> {
            Page<Conversion> page = conversions.list(tenant, q, limit);
            ObjectNode o = Json.object();
            o.put("environment", environment);
            o.put("from", first.toString());
            o.put("to", last.toString());
            ArrayNode items = o.putArray("items");
            for (Conversion c : page.items()) {
                ObjectNode i = items.addObject();
                i.put("occurredAt", c.occurredAt().toInstant().toString());
                i.put("targetingKey", c.targetingKey());
                i.put("event", c.event());
                i.put("value", c.value());
                i.put("batchId", c.batchId().toString());
            }
            o.put("limit", limit);
            o.put("nextCursor", call.cursor(page.nextAfter()));
            return Reply.ok(o);
        });
    }

    /** Query parameter {@code name}'s instant ({@link TimeParameters}), null when absent or refused (noted). */
    static Instant instant(String v, String name, List<FieldError> errors) {
        if (v == null) {
            return null;
        }
        Instant out = TimeParameters.instant(v);
        if (out == null) {
            errors.add(FieldError.named(name, TimeParameters.problem(v)));
        }
        return out;
    }

    private Future<Reply> totals(Call call) {
        EventRoutes.DayQuery q = EventRoutes.dayQuery(call, clock, maxQueryDays);
        String environment = q.environment();
        LocalDate first = q.first();
        LocalDate last = q.last();
        String flag = call.param("flag");
        long tenant = call.tenantId();
        return threads.run(() -> Reply.ok(totalsJson(conversions.totals(tenant, environment, flag, first, last))));
    }

    /**
     * {@code {flag, environment, from, to, excludedUsers, variants: {<variant>: {users, events: {<event>: {users,
     * events, valueSum}}}}}}: every declared variant (zero when no one was exposed to it) and any other that was.
     */
    static ObjectNode totalsJson(ConversionService.FlagTotals t) {
        Map<String, ObjectNode> byVariant = new TreeMap<>();
        if (t.flag().variants() != null) {
            for (Iterator<String> it = t.flag().variants().fieldNames(); it.hasNext();) {
                byVariant.put(it.next(), variant());
            }
        }
        long excluded = 0;
        for (ConversionTotal r : t.rows()) {
            if (r.variant() == null) {
                excluded += r.users();
                continue;
            }
            ObjectNode v = byVariant.computeIfAbsent(r.variant(), k -> variant());
            if (r.event() == null) {
                v.put("users", r.users());
            } else {
                ((ObjectNode) v.get("events")).putObject(r.event()).put("users", r.users()).put("events", r.events())
                        .put("valueSum", r.valueSum() == null ? 0.0 : r.valueSum());
            }
        }
        ObjectNode o = Json.object();
        o.put("flag", t.flag().key());
        o.put("environment", t.environment().key());
        o.put("from", t.from().toString());
        o.put("to", t.to().toString());
        o.put("excludedUsers", excluded);
        ObjectNode variants = o.putObject("variants");
        byVariant.forEach(variants::set);
        return o;
    }

    private static ObjectNode variant() {
        ObjectNode v = Json.object();
        v.put("users", 0);
        v.putObject("events");
        return v;
    }
}
