package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.Principal;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.events.DailyTotals;
import io.guidon.controlplane.events.EventIngest;
import io.guidon.controlplane.events.EventSource;
import io.guidon.controlplane.events.ExposureReports;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.FlagDefinition;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events: {@code POST /api/v1/events}, where sidecars send their batches (ADR 0106; the answer lists the events left
 * out as invalid, {@code rejected[{path, reason}]}, while the rest is stored), and
 * {@code GET /api/v1/flags/{flag}/exposures}, the per-day totals of a flag in one environment.
 */
public final class EventRoutes {

    /** Days a range covers when {@code from} is not given. */
    static final int DEFAULT_DAYS = 30;

    private final EventIngest ingest;
    private final ExposureReports reports;
    private final AdminThreads threads;
    private final Clock clock;
    private final int maxQueryDays;
    private final long maxBodySize;

    /**
     * The exposure report ({@code GET}) runs on {@code threads}; event ingest stays on the event loop.
     *
     * @param reports the exposure reports; their {@link ExposureReports#maxDays()} is the longest range of days a
     *     query may cover ({@code events.max-query-days})
     * @param maxBodySize the largest event batch body, in bytes as sent (compressed or not;
     *     {@code events.max-body-size})
     */
    public EventRoutes(EventIngest ingest, ExposureReports reports, AdminThreads threads, Clock clock,
            long maxBodySize) {
        this.ingest = ingest;
        this.reports = reports;
        this.threads = threads;
        this.clock = clock;
        this.maxQueryDays = reports.maxDays();
        this.maxBodySize = maxBodySize;
    }

    public void register(ApiRouter api) {
        // A batch may be far larger than an admin request; sidecars send them all the time.
        api.add(ApiRouter.RouteSpec.of(HttpMethod.POST, ApiRouter.EVENTS, Role.SIDECAR, "Send a batch of events"
                + " (counts, exposures, conversions) of the key's environment")
                .withBodyLimit(maxBodySize, "events.max-body-size").quietly(), this::postEvents);
        api.add(HttpMethod.GET, Routes.V1 + "/flags/:flag/exposures", Role.VIEWER,
                "Per-day evaluation and exposure totals of a flag in an environment",
                List.of("environment", "from", "to"), this::exposures);
        api.observeProblems(ApiRouter.EVENTS, p -> {
            if (p.status() == 400 || p.status() == 413 || p.status() == 415) {
                ingest.rejected();
            }
        });
    }

    private Future<Reply> postEvents(Call call) {
        HttpServerRequest request = call.context().request();
        String type = request.getHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw ApiException.unsupportedMediaType(
                    "send the batch as JSON with Content-Type: application/json");
        }
        String encoding = request.getHeader("Content-Encoding");
        boolean gzip;
        if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
            gzip = false;
        } else if (encoding.trim().equalsIgnoreCase("gzip") || encoding.trim().equalsIgnoreCase("x-gzip")) {
            gzip = true;
        } else {
            throw ApiException.unsupportedMediaType(
                    "Content-Encoding '" + encoding + "' is not supported: send the batch gzip-compressed or plain");
        }
        byte[] body = call.context().body() == null || call.context().body().buffer() == null ? new byte[0]
                : call.context().body().buffer().getBytes();
        Principal p = call.principal();
        return ingest.ingest(new EventSource(p.tenantId(), p.tenantKey(), p.environmentId(), p.environmentKey()), body,
                        gzip, request.getHeader("Idempotency-Key"))
                // Events that broke a rule were left out and are listed; the rest is stored. The sidecar drops these
                // (counted).
                .map(answer -> Reply.raw(answer.duplicate() ? 200 : 202, answer.encode()));
    }

    /** A flag's report's environment and UTC days, both included, as its query gives them. */
    record DayQuery(String environment, LocalDate first, LocalDate last) {
    }

    /**
     * Reads {@code environment} (required), {@code from} and {@code to} (UTC days, both included; the last
     * {@link #DEFAULT_DAYS} days up to today unless given, at most {@code maxQueryDays}): every problem at once, as
     * an invalid-parameter error. What the flag's exposure and conversion reports share.
     */
    static DayQuery dayQuery(Call call, Clock clock, int maxQueryDays) {
        List<FieldError> errors = new ArrayList<>();
        String environment = call.query("environment");
        if (environment == null) {
            errors.add(FieldError.named("environment", "required: the key of the environment"));
        }
        LocalDate to = date(call.query("to"), "to", errors);
        LocalDate from = date(call.query("from"), "from", errors);
        if (errors.isEmpty()) {
            if (to == null) {
                to = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            }
            if (from == null) {
                from = to.minusDays(DEFAULT_DAYS - 1);
            }
            long days = ChronoUnit.DAYS.between(from, to) + 1;
            if (from.isAfter(to)) {
                errors.add(FieldError.named("from", "must not be after to (" + from + " is after " + to + ")"));
            } else if (days > maxQueryDays) {
                // Said of the parameter the user gave: a defaulted to (today) is not theirs to fix.
                boolean toGiven = call.query("to") != null;
                errors.add(FieldError.named(toGiven ? "to" : "from", "the range " + from + ".." + to
                        + (toGiven ? "" : " (today: to is not given)") + " is " + days + " days; from and to must be"
                        + " at most " + maxQueryDays + " days apart, both included (events.max-query-days)"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidParameter(errors);
        }
        return new DayQuery(environment, from, to);
    }

    private Future<Reply> exposures(Call call) {
        DayQuery q = dayQuery(call, clock, maxQueryDays);
        String environment = q.environment();
        LocalDate first = q.first();
        LocalDate last = q.last();
        String flag = call.param("flag");
        long tenant = call.tenantId();
        return threads.run(() -> {
            ExposureReports.Report r = reports.report(tenant, environment, flag, first, last);
            return Reply.ok(json(r.flag(), r.environment(), r.from(), r.to(), r.days()));
        });
    }

    static LocalDate date(String v, String name, List<FieldError> errors) {
        if (v == null) {
            return null;
        }
        // The one rule of time parameters (TimeParameters): a day, or an instant naming the UTC day it falls in.
        LocalDate out = io.guidon.controlplane.domain.TimeParameters.day(v);
        if (out == null) {
            errors.add(FieldError.named(name, io.guidon.controlplane.domain.TimeParameters.problem(v)));
        }
        return out;
    }

    /** Every declared variant (zero when it has no events) and any other that has some, then the days. */
    private static ObjectNode json(FlagDefinition def, Environment env, LocalDate from, LocalDate to, List<DailyTotals.Day> days) {
        Map<String, long[]> byVariant = new TreeMap<>();
        if (def.variants() != null) {
            for (Iterator<String> it = def.variants().fieldNames(); it.hasNext();) {
                byVariant.put(it.next(), new long[2]);
            }
        }
        ObjectNode o = Json.object();
        o.put("flag", def.key());
        o.put("environment", env.key());
        o.put("from", from.toString());
        o.put("to", to.toString());
        ObjectNode variants = o.putObject("variants");
        ArrayNode list = o.putArray("days");
        for (DailyTotals.Day d : days) {
            long[] sum = byVariant.computeIfAbsent(d.variant(), k -> new long[2]);
            sum[0] += d.evaluations();
            sum[1] += d.exposures();
            list.addObject().put("day", d.day().toString()).put("variant", d.variant())
                    .put("evaluations", d.evaluations()).put("exposures", d.exposures());
        }
        byVariant.forEach((variant, sum) -> variants.putObject(variant).put("evaluations", sum[0])
                .put("exposures", sum[1]));
        return o;
    }
}
