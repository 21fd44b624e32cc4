package io.guidon.sidecar.http;

import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.Evaluations;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The OpenFeature Remote Evaluation Protocol (OFREP v1, github.com/open-feature/protocol service/openapi.yaml):
 * single and bulk evaluation and the configuration endpoint, with the spec's bodies, codes and ETags, so that any
 * OpenFeature SDK's OFREP provider works against the sidecar unmodified.
 */
final class OfrepApi {

    private final FlagStore store;
    private final Evaluations evaluations;
    private final Requests requests;
    private final String configurationBody;

    OfrepApi(FlagStore store, Evaluations evaluations, Requests requests, long pollingIntervalMs) {
        this.store = store;
        this.evaluations = evaluations;
        this.requests = requests;
        this.configurationBody = "{\"name\":\"Guidon\",\"capabilities\":{\"cacheInvalidation\":{\"polling\":"
                + "{\"enabled\":true,\"minPollingIntervalMs\":" + pollingIntervalMs + "}},"
                + "\"flagEvaluation\":{\"supportedTypes\":[\"boolean\",\"string\",\"int\",\"float\",\"object\"]}}}";
    }

    /** {@code POST /ofrep/v1/evaluate/flags/{key}}. */
    void single(RoutingContext ctx) {
        String key = ctx.pathParam("key");
        Snapshot snapshot = Http.ready(store);
        EvaluationContext context;
        try {
            context = Requests.context(requests.object(ctx));
        } catch (SidecarException e) {
            throw new SidecarException(e.status(), e.errorCode(), e.getMessage(), key);
        }
        EvaluationResult r = evaluations.evaluate(snapshot.flags(), key, context);
        StringBuilder sb = new StringBuilder(160);
        int status = 200;
        if (r.isError()) {
            status = switch (r.errorCode()) {
                case FLAG_NOT_FOUND -> 404;
                case GENERAL -> 500;
                default -> 400;
            };
            JsonText.ofrepFailure(sb, r);
        } else {
            JsonText.ofrepSuccess(sb, r);
        }
        Http.json(ctx, status, sb);
    }

    /**
     * {@code POST /ofrep/v1/evaluate/flags}: every flag. The ETag covers the flag set's version and the request
     * body, so a client polling with the same context gets 304 until a flag changes, without any evaluation.
     */
    void bulk(RoutingContext ctx) {
        Snapshot snapshot = Http.ready(store);
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        CRC32C crc = new CRC32C();
        crc.update(body);
        String etag = "\"v" + snapshot.version() + "-" + Long.toHexString(crc.getValue()) + "-" + body.length + "\"";
        if (Http.notModified(ctx, etag)) {
            return;
        }
        Map<String, Object> parsed = requests.object(ctx);
        EvaluationContext context = Requests.context(parsed);
        FlagSet flags = snapshot.flags();
        List<Flag> all = flags.flags();
        StringBuilder sb = new StringBuilder(64 + all.size() * 120);
        sb.append("{\"flags\":[");
        for (int i = 0, n = all.size(); i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            EvaluationResult r = evaluations.evaluate(all.get(i), context);
            if (r.isError()) {
                JsonText.ofrepFailure(sb, r);
            } else {
                JsonText.ofrepSuccess(sb, r);
            }
        }
        sb.append("]}");
        ctx.response().putHeader("ETag", etag);
        Http.json(ctx, 200, sb);
    }

    /** {@code GET /ofrep/v1/configuration}. */
    void configuration(RoutingContext ctx) {
        String etag = "\"cfg-" + Integer.toHexString(configurationBody.hashCode()) + "\"";
        if (Http.notModified(ctx, etag)) {
            return;
        }
        ctx.response().putHeader("ETag", etag);
        Http.json(ctx, 200, configurationBody);
    }
}
