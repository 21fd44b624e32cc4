package io.guidon.controlplane.api;

import io.guidon.controlplane.domain.ExperimentUser;
import io.guidon.controlplane.service.ExperimentResultsService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment's per-user table as CSV ({@link Csv}: RFC 4180, CSV-injection safe), streamed: the header
 * {@code targeting_key,variant,first_exposure,<metric columns>} then one line per analysed user, written a chunk of
 * the service's cursor at a time, each write awaited, so at most one chunk is held in memory whatever the number of
 * users. What {@code GET /api/v1/experiments/{id}/users.csv} and the admin UI's download both send.
 */
public final class ExperimentUsersCsv {

    /** The response's Content-Type. */
    public static final String CONTENT_TYPE = "text/csv; charset=utf-8";

    private ExperimentUsersCsv() {
    }

    /** The Content-Disposition that saves the download as {@code experiment-<id>-users.csv}. */
    public static String disposition(long id) {
        return "attachment; filename=\"experiment-" + id + "-users.csv\"";
    }

    /**
     * Writes {@code export} on a virtual thread of {@code threads}; the response is chunked with its status and
     * headers set. A failure after the first bytes fails the future (the caller resets the connection).
     */
    public static Reply.Streamer streamer(ExperimentResultsService results, ExperimentResultsService.Export export,
            AdminThreads threads) {
        return response -> threads.run(() -> {
            write(response, results, export);
            return null;
        });
    }

    private static void write(HttpServerResponse response, ExperimentResultsService results,
            ExperimentResultsService.Export export) {
        List<String> header = new ArrayList<>(List.of("targeting_key", "variant", "first_exposure"));
        header.addAll(export.columns());
        StringBuilder head = new StringBuilder();
        Csv.line(head, header, List.of());
        Future.await(response.write(Buffer.buffer(head.toString().getBytes(StandardCharsets.UTF_8))));
        results.stream(export, chunk -> {
            StringBuilder b = new StringBuilder(chunk.size() * 64);
            for (ExperimentUser row : chunk) {
                Csv.line(b, List.of(row.targetingKey(), row.variant(), row.firstExposure().toInstant().toString()),
                        row.values());
            }
            Future.await(response.write(Buffer.buffer(b.toString().getBytes(StandardCharsets.UTF_8))));
        });
    }
}
