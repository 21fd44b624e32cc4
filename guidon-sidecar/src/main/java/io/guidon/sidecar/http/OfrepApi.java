package io.guidon.sidecar.http;

import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Flag;
import io.guidon.engine.FlagSet;
import io.guidon.sidecar.Evaluations;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

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
    /** This instance serves one event loop, so one digest serves all its requests. */
    private final MessageDigest sha256;

    /** OFREP's request body: the context and nothing else. */
    static final List<String> FIELDS = List.of("context");

    OfrepApi(FlagStore store, Evaluations evaluations, Requests requests, long pollingIntervalMs) {
        this.store = store;
        this.evaluations = evaluations;
        this.requests = requests;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        this.configurationBody = "{\"name\":\"Guidon\",\"capabilities\":{\"cacheInvalidation\":{\"polling\":"
                + "{\"enabled\":true,\"minPollingIntervalMs\":" + pollingIntervalMs + "}},"
                + "\"flagEvaluation\":{\"supportedTypes\":[\"boolean\",\"string\",\"int\",\"float\",\"object\"]}}}";
    }

    /** {@code POST /ofrep/v1/evaluate/flags/{key}}: a read of one flag, so an exposure (ADR 0203). */
    void single(RoutingContext ctx) {
        String key = ctx.pathParam("key");
        Snapshot snapshot = Http.ready(store);
        Http.requireDecodableKey(ctx, key);
        EvaluationContext context;
        try {
            Map<String, Object> body = requests.object(ctx);
            Requests.onlyFields(body, FIELDS);
            context = Requests.context(body);
        } catch (SidecarException e) {
            throw new SidecarException(e.status(), e.errorCode(), e.getMessage(), key);
        }
        EvaluationResult r = evaluations.read(snapshot, key, context);
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
     * {@code POST /ofrep/v1/evaluate/flags}: every flag. The ETag is SHA-256 over the document's content hash and
     * the request body, so a client polling with the same context gets 304 until the flags' content changes (also
     * across restarts and between sidecars, where versions mean nothing), without any evaluation. Every flag is
     * counted as evaluated but none is an exposure (ADR 0203): the client reports what it read with
     * {@code POST /v1/exposures}.
     */
    void bulk(RoutingContext ctx) {
        if (ctx.request().path().endsWith("/")) {
            // The router matches ".../flags/" here too: an empty flag key must not get every flag.
            throw new SidecarException(404, "FLAG_NOT_FOUND", "the flag key is empty: POST /ofrep/v1/evaluate/flags/"
                    + "{key} evaluates one flag, POST /ofrep/v1/evaluate/flags (no slash) every flag", "");
        }
        Snapshot snapshot = Http.ready(store);
        String etag = etag(snapshot.flags(), ctx);
        if (Http.notModified(ctx, etag)) {
            return;
        }
        Map<String, Object> parsed = requests.object(ctx);
        Requests.onlyFields(parsed, FIELDS);
        EvaluationContext context = Requests.context(parsed);
        FlagSet flags = snapshot.flags();
        List<Flag> all = flags.flags();
        StringBuilder sb = new StringBuilder(64 + all.size() * 120);
        sb.append("{\"flags\":[");
        for (int i = 0, n = all.size(); i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            EvaluationResult r = evaluations.inBulk(all.get(i), context);
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

    private String etag(FlagSet flags, RoutingContext ctx) {
        sha256.reset();
        flags.updateWithContentHash(sha256);
        if (ctx.body().buffer() != null) {
            sha256.update(ctx.body().buffer().getBytes());
        }
        return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest()) + "\"";
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
