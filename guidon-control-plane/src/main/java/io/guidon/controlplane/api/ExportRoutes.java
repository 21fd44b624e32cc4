package io.guidon.controlplane.api;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.ExportedEvent.Kind;
import io.guidon.controlplane.domain.ExportedEvent.Position;
import io.guidon.controlplane.service.EventExportService;
import io.guidon.json.ValueChecks;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/export/{exposures|conversions|counts}} (docs/events-export.md "Export API"): an environment's raw
 * events of one kind from {@code from} (included) to {@code to} (excluded; now when not given), in the order of
 * time, batch id and index, as NDJSON or CSV ({@code format}), gzip-compressed when asked ({@code compression=gzip})
 * or when the client accepts it ({@code Accept-Encoding}, by the HTTP server). A response is one page of at most
 * {@code limit} rows ({@code export.default-page-rows}, at most {@code export.max-page-rows}), streamed in constant
 * memory; when more follow, its {@code Next-Cursor} header holds the opaque cursor of the next page, which carries
 * the environment and range (a request may repeat them, not change them; the limit is each request's), and its
 * {@code Link: <...>; rel="next"} the next page's URL with the same limit.
 * For viewers and up: the same per-user data as an experiment's users.csv. On virtual threads ({@link AdminThreads}).
 */
public final class ExportRoutes {

    static final String PATH = Routes.V1 + "/export/:kind";
    private static final String CURSOR_VERSION = "e1";

    private final EventExportService export;
    private final AdminThreads threads;
    private final Clock clock;
    private final int defaultRows;
    private final int maxRows;
    private final int fetchRows;

    public ExportRoutes(EventExportService export, AdminThreads threads, Clock clock, int defaultRows, int maxRows,
            int fetchRows) {
        this.export = export;
        this.threads = threads;
        this.clock = clock;
        this.defaultRows = defaultRows;
        this.maxRows = maxRows;
        this.fetchRows = fetchRows;
    }

    public void register(ApiRouter api) {
        api.add(HttpMethod.GET, PATH, Role.VIEWER, "Export an environment's raw exposures, conversions or evaluation"
                + " counts of a time range as NDJSON or CSV, streamed a page at a time",
                List.of("environment", "from", "to", "cursor", "limit", "format", "compression"), this::export);
    }

    /** What a request asks for once read: every part checked, the cursor's range applied. */
    record Query(Kind kind, String environment, Instant from, Instant to, Position start, int limit,
            EventExportWriter.Format format, boolean gzip) {
    }

    private Future<Reply> export(Call call) {
        Query q = query(call, clock.instant(), defaultRows, maxRows);
        return threads.run(() -> {
            EventExportService.Page page = export.page(call.tenantId(), q.kind(), q.environment(), q.start(), q.to(),
                    q.limit());
            String file = q.kind().path() + "-" + q.environment() + "." + q.format().extension
                    + (q.gzip() ? ".gz" : "");
            Reply reply = Reply.streamed(200, response -> threads.run(() -> {
                EventExportWriter writer = new EventExportWriter(q.kind(), page.environment().key(), q.format(),
                        q.gzip());
                writer.head(response);
                export.stream(call.tenantId(), q.kind(), page, q.start(), q.to(), fetchRows,
                        chunk -> writer.rows(response, chunk));
                writer.end(response);
                return null;
            }))
                    .header("Content-Type", q.gzip() ? "application/gzip" : q.format().contentType)
                    .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                    .header("Cache-Control", "no-store");
            if (q.gzip()) {
                // Already compressed: the HTTP server must not compress it again for an Accept-Encoding: gzip.
                reply.header("Content-Encoding", "identity");
            }
            if (page.next() != null) {
                String cursor = cursor(call, q, page.next());
                reply.header("Next-Cursor", cursor);
                reply.header("Link", "<" + PATH.replace(":kind", q.kind().path()) + "?cursor=" + cursor + "&limit="
                        + q.limit() + ">; rel=\"next\"");
            }
            return reply;
        });
    }

    /** Reads and checks the request: every problem at once, as an invalid-parameter error; 404 for another kind. */
    static Query query(Call call, Instant now, int defaultRows, int maxRows) {
        String path = call.param("kind");
        Kind kind = Kind.of(path);
        if (kind == null) {
            throw ApiException.notFound("no export '" + ValueChecks.printable(String.valueOf(path), 40)
                    + "': exposures, conversions or counts");
        }
        List<FieldError> errors = new ArrayList<>();
        String environment = call.query("environment");
        Instant from = instant(call.query("from"), "from", errors);
        Instant to = instant(call.query("to"), "to", errors);
        Position start = null;
        String cursor = call.query("cursor");
        if (cursor != null) {
            String content = null;
            try {
                content = call.after();
            } catch (ApiException e) {
                // Not one this server issued to this tenant, or changed: named with the request's other problems.
                errors.add(FieldError.named("cursor", Cursors.REFUSED));
            }
            Query c = content == null ? null : decode(content, kind, errors);
            if (c != null) {
                start = c.start();
                environment = same("environment", environment, c.environment(), errors);
                from = same("from", from, c.from(), errors);
                to = same("to", to, c.to(), errors);
            }
        }
        if (environment == null && cursor == null) {
            // With a cursor, the environment is the cursor's (or the cursor is refused above).
            errors.add(FieldError.named("environment", "required: the key of the environment"));
        }
        if (from == null && cursor == null && errors.stream().noneMatch(e -> "from".equals(e.path()))) {
            errors.add(FieldError.named("from", "required: the start of the range (included), "
                    + io.guidon.controlplane.domain.TimeParameters.RULE));
        }
        if (to == null) {
            to = now;
        }
        if (from != null && !from.isBefore(to)) {
            errors.add(FieldError.named("from", "must be before to (" + from + " is not before " + to + ")"));
        }
        int limit = defaultRows;
        String l = call.query("limit");
        if (l != null) {
            if (l.matches("[0-9]{1,10}") && Long.parseLong(l) >= 1 && Long.parseLong(l) <= maxRows) {
                limit = Integer.parseInt(l);
            } else {
                errors.add(FieldError.named("limit", "must be a whole number of rows from 1 to " + maxRows
                        + " (export.max-page-rows), not '" + ValueChecks.printable(l, 40) + "'"));
            }
        }
        EventExportWriter.Format format = EventExportWriter.Format.NDJSON;
        String f = call.query("format");
        if ("csv".equals(f)) {
            format = EventExportWriter.Format.CSV;
        } else if (f != null && !"ndjson".equals(f)) {
            errors.add(FieldError.named("format", "must be ndjson or csv, not '" + ValueChecks.printable(f, 40) + "'"));
        }
        String compression = call.query("compression");
        if (compression != null && !compression.equals("gzip") && !compression.equals("none")) {
            errors.add(FieldError.named("compression", "must be gzip or none, not '"
                    + ValueChecks.printable(compression, 40) + "'"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidParameter(errors);
        }
        return new Query(kind, environment, from, to, start == null ? Position.at(from) : start, limit, format,
                "gzip".equals(compression));
    }

    /** A parameter given both in the request and by the cursor must agree; the cursor's value otherwise. */
    private static <T> T same(String name, T given, T inCursor, List<FieldError> errors) {
        if (given != null && !given.equals(inCursor)) {
            errors.add(FieldError.named(name, "differs from the cursor's (" + inCursor + "): a cursor continues the"
                    + " export it came from; leave " + name + " out or pass the same"));
        }
        return inCursor;
    }

    /** Query parameter {@code name}'s instant ({@link io.guidon.controlplane.domain.TimeParameters}). */
    static Instant instant(String v, String name, List<FieldError> errors) {
        return ConversionRoutes.instant(v, name, errors);
    }

    /** The cursor, signed for {@code call}'s tenant, of the page starting at {@code next} of the export {@code q}. */
    static String cursor(Call call, Query q, Position next) {
        return call.cursor(String.join("|", CURSOR_VERSION, q.kind().path(), q.environment(), q.from().toString(),
                q.to().toString(), next.time().toString(), next.batchId().toString(), Integer.toString(next.index())));
    }

    /** The export a cursor's signed content continues; null with a problem in {@code errors} when of another kind. */
    private static Query decode(String text, Kind kind, List<FieldError> errors) {
        String[] p = text.split("\\|", -1);
        try {
            if (p.length == 8 && p[0].equals(CURSOR_VERSION)) {
                if (!p[1].equals(kind.path())) {
                    errors.add(FieldError.named("cursor", "is a cursor of the " + p[1] + " export, not of "
                            + kind.path()));
                    return null;
                }
                return new Query(kind, p[2], Instant.parse(p[3]), Instant.parse(p[4]), new Position(
                        Instant.parse(p[5]), UUID.fromString(p[6]), Integer.parseInt(p[7])), 0, null, false);
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            // reported below
        }
        errors.add(FieldError.named("cursor", "not a cursor from this API: pass the Next-Cursor of the previous page"
                + " unchanged"));
        return null;
    }
}
