package io.guidon.sidecar.http;

import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Flag;
import io.guidon.sidecar.Evaluations;
import io.guidon.sidecar.FlagStore;
import io.guidon.sidecar.Snapshot;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    private final OfrepAnswers answers;
    private final Requests requests;
    private final String configurationBody;
    /** This instance serves one event loop, so one hasher serves all its requests. */
    private final BulkEtag etags = new BulkEtag();
    private static final byte[] NO_MEMBERS = new byte[0];
    /** The last {@code eventStreams} member this event loop encoded, and the {@code Host} it was encoded for. */
    private String streamsHost;
    /** A hash of {@link #streamsMember}, which salts the bulk ETag. */
    private long streamsSalt;
    private byte[] streamsMember;
    /** The bulk answer's evaluations, reused by this event loop's requests. */
    private EvaluationResult[] results = new EvaluationResult[0];

    /** OFREP's request body: the context and nothing else. */
    static final List<String> FIELDS = List.of("context");

    OfrepApi(FlagStore store, Evaluations evaluations, OfrepAnswers answers, Requests requests,
            long pollingIntervalMs) {
        this.store = store;
        this.evaluations = evaluations;
        this.answers = answers;
        this.requests = requests;
        this.configurationBody = "{\"name\":\"Guidon\",\"capabilities\":{\"cacheInvalidation\":{\"polling\":"
                + "{\"enabled\":true,\"minPollingIntervalMs\":" + pollingIntervalMs + "}},"
                + "\"flagEvaluation\":{\"supportedTypes\":[\"boolean\",\"string\",\"int\",\"float\",\"object\"]}}}";
    }

    /** {@code POST /ofrep/v1/evaluate/flags/{key}}, routed: {@link #single(HttpServerRequest, String, Buffer)}. */
    void single(RoutingContext ctx) {
        single(ctx.request(), ctx.pathParam("key"), ctx.body().buffer());
    }

    /**
     * {@code POST /ofrep/v1/evaluate/flags/{key}}: a read of one flag, so an exposure (ADR 0203). {@code key} is
     * decoded; {@code body} is the whole body (null or empty for none), read within the edge checks' limits.
     */
    void single(HttpServerRequest request, String key, Buffer body) {
        Snapshot snapshot = Http.ready(store);
        Http.requireDecodableKey(request, key);
        EvaluationContext context;
        try {
            Map<String, Object> parsed = requests.object(bytes(body));
            Requests.onlyFields(parsed, FIELDS);
            context = Requests.context(parsed);
        } catch (SidecarException e) {
            throw new SidecarException(e.status(), e.errorCode(), e.getMessage(), key);
        }
        EvaluationResult r = evaluations.read(snapshot, key, context);
        int status = 200;
        if (r.isError()) {
            status = switch (r.errorCode()) {
                case FLAG_NOT_FOUND -> 404;
                case GENERAL -> 500;
                default -> 400;
            };
        }
        Http.json(request.response(), status, answers.single(snapshot, r));
    }

    /** {@code POST /ofrep/v1/evaluate/flags}, routed: {@link #bulk(HttpServerRequest, Buffer)}. */
    void bulk(RoutingContext ctx) {
        if (ctx.request().path().endsWith("/") || ctx.normalizedPath().endsWith("/")) {
            // The router matches ".../flags/" here too, and ".../flags/." or "/flags/%2e", which normalize to it
            // (RFC 3986 §5.2.4): an empty flag key must not get every flag.
            throw new SidecarException(404, "FLAG_NOT_FOUND", "the flag key is empty: POST /ofrep/v1/evaluate/flags/"
                    + "{key} evaluates one flag, POST /ofrep/v1/evaluate/flags (no slash) every flag", "");
        }
        bulk(ctx.request(), ctx.body().buffer());
    }

    /**
     * {@code POST /ofrep/v1/evaluate/flags}: every flag. The ETag is a 128-bit hash of the document's content hash
     * and the request body ({@link BulkEtag}), so a client polling with the same context gets 304 until the flags'
     * content changes (also across restarts and between sidecars, where versions mean nothing), without any
     * evaluation. Every flag is counted as evaluated but none is an exposure (ADR 0203): the client reports what it
     * read with {@code POST /v1/exposures}. {@code body} as for {@link #single(HttpServerRequest, String, Buffer)}.
     */
    void bulk(HttpServerRequest request, Buffer body) {
        Snapshot snapshot = Http.ready(store);
        byte[] bytes = bytes(body);
        // The answer names the stream at the address the request used: the tag depends on it too.
        byte[] streams = eventStreams(request);
        String etag = etags.of(snapshot.flags(), bytes, streams == NO_MEMBERS ? 0 : streamsSalt);
        if (Http.notModified(request, etag)) {
            return;
        }
        Map<String, Object> parsed = requests.object(bytes);
        Requests.onlyFields(parsed, FIELDS);
        EvaluationContext context = Requests.context(parsed);
        List<Flag> all = snapshot.flags().flags();
        int n = all.size();
        if (results.length < n) {
            results = new EvaluationResult[n];
        }
        for (int i = 0; i < n; i++) {
            results[i] = evaluations.inBulk(all.get(i), context);
        }
        Buffer answer = answers.bulk(snapshot, results, n, streams);
        // The results belong to this set: holding them would keep it alive after a reload.
        Arrays.fill(results, 0, n, null);
        request.response().putHeader(Http.ETAG, etag);
        Http.json(request.response(), 200, answer);
    }

    /** The body's bytes, read once: none is an empty array. */
    private static byte[] bytes(Buffer body) {
        return body == null || body.length() == 0 ? NO_MEMBERS : body.getBytes();
    }

    /**
     * The {@code eventStreams} member of a bulk answer (OFREP ADR 0008): this sidecar's {@code /ofrep/v1/stream}, at
     * the address the request named (its {@code Host} as sent, which {@link Http#guard} has checked; an IPv6
     * address keeps its brackets; over HTTP/2 its {@code :authority}), so a client reaches the stream the way it
     * reached the evaluation. Encoded once per address this event loop sees (one, nearly always).
     */
    private byte[] eventStreams(HttpServerRequest request) {
        String host = request.getHeader(HttpHeaders.HOST);
        if (host == null && request.authority() != null) {
            // HTTP/2 names the address in its :authority pseudo-header, not in a Host header.
            io.vertx.core.net.HostAndPort a = request.authority();
            String name = a.host().indexOf(':') >= 0 && !a.host().startsWith("[") ? "[" + a.host() + "]" : a.host();
            host = a.port() >= 0 ? name + ":" + a.port() : name;
        }
        if (host == null) {
            // HTTP/1.0 without Host: no address to name, and no browser.
            return NO_MEMBERS;
        }
        if (!host.equals(streamsHost)) {
            StringBuilder sb = new StringBuilder(96).append(",\"eventStreams\":[{\"type\":\"sse\",\"url\":");
            JsonText.string(sb, "http://" + host + SidecarRoute.OFREP_STREAM.path());
            streamsMember = sb.append("}]").toString().getBytes(StandardCharsets.UTF_8);
            streamsSalt = BulkEtag.hash128(NO_MEMBERS, streamsMember)[0];
            streamsHost = host;
        }
        return streamsMember;
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
