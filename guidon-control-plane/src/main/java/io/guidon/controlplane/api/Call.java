package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.json.BoundedJson;
import io.guidon.controlplane.auth.Principal;
import io.guidon.controlplane.domain.Actor;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One API request as handlers see it: the caller, the request id, path and query parameters, the JSON body. */
public final class Call {

    private static final Pattern ETAG = Pattern.compile("\\s*\"(\\d{1,9})\"\\s*");

    private final RoutingContext ctx;
    private final Principal principal;
    private final String requestId;
    private final BoundedJson json;
    private final int defaultPageSize;
    private final int maxPageSize;
    /** The route's checks from the OpenAPI document, or null (see {@link ContractValidation}). */
    private final ContractValidation.Route contract;
    private final Cursors cursors;
    private ObjectNode body;
    private List<FieldError> violations = List.of();

    Call(RoutingContext ctx, Principal principal, String requestId, BoundedJson json, int defaultPageSize,
            int maxPageSize, ContractValidation.Route contract, Cursors cursors) {
        this.cursors = cursors;
        this.ctx = ctx;
        this.principal = principal;
        this.requestId = requestId;
        this.json = json;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
        this.contract = contract;
    }

    public Principal principal() {
        return principal;
    }

    public long tenantId() {
        return principal.tenantId();
    }

    public String requestId() {
        return requestId;
    }

    public Actor actor() {
        return new Actor(principal.tenantId(), principal.tenantKey(), principal.keyId(), principal.keyName(),
                requestId);
    }

    public RoutingContext context() {
        return ctx;
    }

    public String param(String name) {
        return ctx.pathParam(name);
    }

    public String query(String name) {
        List<String> all = ctx.queryParam(name);
        if (all.size() > 1) {
            throw ApiException.invalidParameter(List.of(FieldError.named(name,
                    "given " + all.size() + " times; give it once")));
        }
        return all.isEmpty() || all.get(0).isEmpty() ? null : all.get(0);
    }

    /** {@code ?limit=}: 1 to the configured maximum. */
    public int limit() {
        String v = query("limit");
        if (v == null) {
            return defaultPageSize;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= maxPageSize) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalidParameter(List.of(FieldError.named("limit", "must be a whole number from 1 to "
                + maxPageSize + ", not '" + v + "'")));
    }

    /**
     * The sort key after which a page starts ({@code ?cursor=}, checked to be a cursor issued to this caller's
     * tenant, unchanged: a 400 naming {@code cursor} otherwise), or null for the first page.
     */
    public String after() {
        return cursors.decode(tenantId(), query("cursor"));
    }

    /** The cursor, signed for this caller's tenant, of the page after {@code after}; null for null (the last page). */
    public String cursor(String after) {
        return cursors.encode(tenantId(), after);
    }

    /**
     * The body's fields, with what the OpenAPI document finds wrong with the body already among their problems
     * (see {@link ContractValidation}): a handler that reads its body with these answers the contract's violations,
     * its own and the engine's in one 422. Fails like {@link #body()}.
     */
    public Fields fields() {
        ObjectNode node = body();
        return new Fields(node, violations);
    }

    /**
     * Refuses a body on a route that takes none: nothing, or an empty JSON object, is fine; any member is a 422
     * naming it, and a body that is not JSON is refused like every body (400, or 415 when not labelled JSON). Called
     * before the handler does anything, so a refused request changes nothing.
     */
    public void requireNoBody() {
        io.vertx.ext.web.RequestBody b = context().body();
        if (b != null && b.buffer() != null && b.buffer().length() > 0) {
            fields().allow().done();
        }
    }

    /** What the OpenAPI document found wrong with the body, once {@link #body()} has read it; empty when nothing. */
    List<FieldError> violations() {
        return violations;
    }

    /**
     * The body as a JSON object: 400 when it is not JSON or not an object, exceeds a limit of the parser, or holds a
     * value that cannot be kept exactly (each with its path); 415 when it is not labelled JSON. Read once: the
     * edge checks first, then the operation's request schema (its violations are in {@link #fields()}).
     */
    public ObjectNode body() {
        if (body == null) {
            body = readBody();
            violations = contract == null ? List.of() : List.copyOf(contract.body(body));
            ctx.put(ContractValidation.VIOLATIONS, violations);
        }
        return body;
    }

    private ObjectNode readBody() {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !(type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")
                || type.toLowerCase(java.util.Locale.ROOT).matches("application/[a-z0-9.+-]*\\+json.*"))) {
            throw ApiException.unsupportedMediaType(
                    "send the body as JSON with Content-Type: application/json");
        }
        byte[] bytes = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        Object value;
        try {
            value = json.parse(bytes);
        } catch (BoundedJson.Rejected e) {
            List<FieldError> errors = new java.util.ArrayList<>();
            for (BoundedJson.Problem p : e.problems()) {
                errors.add(new FieldError(p.path(), p.message()));
            }
            throw switch (e.kind()) {
                case LIMIT -> ApiException.limitExceeded(e.getMessage(), errors);
                case VALUE -> ApiException.unsupportedValues(e.getMessage(), errors);
                case MALFORMED -> ApiException.malformed(e.getMessage());
            };
        }
        if (value == null) {
            throw ApiException.malformed("the body is empty; send a JSON object");
        }
        JsonNode node = Json.tree(value);
        if (!node.isObject()) {
            throw ApiException.malformed("the body must be a JSON object, not " + Fields.kind(node));
        }
        return (ObjectNode) node;
    }

    /** The revision in {@code If-Match}, or null when absent; a 412 when it cannot match any revision. */
    public Integer ifMatch() {
        String v = ctx.request().getHeader("If-Match");
        if (v == null) {
            return null;
        }
        if (v.trim().equals("*")) {
            return null;
        }
        if (v.trim().startsWith("W/")) {
            // RFC 9110 13.1.1: If-Match compares strongly, and a weak entity tag never matches.
            throw DomainException.stale("If-Match '" + v + "' is a weak ETag, which never matches If-Match (RFC 9110"
                    + " section 13.1.1); send the ETag exactly as this API's ETag header gave it, without W/");
        }
        Matcher m = ETAG.matcher(v);
        if (!m.matches()) {
            throw DomainException.stale("If-Match '" + v + "' is not an ETag of this API (they look like \"3\")");
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Like {@link #ifMatch()}, but a 428 when absent or {@code *}: replacing a resource must name the revision it
     * replaces, and {@code *} (any revision) names none, so it would overwrite someone else's change unseen.
     */
    public Integer requireIfMatch() {
        String header = ctx.request().getHeader("If-Match");
        if (header != null && header.trim().equals("*")) {
            throw DomainException.preconditionRequired("If-Match: * matches any revision: send If-Match with the"
                    + " specific ETag of the revision you read (such as \"3\"), so that you do not overwrite someone"
                    + " else's change");
        }
        Integer v = ifMatch();
        if (v == null) {
            throw DomainException.preconditionRequired("send If-Match with the ETag of the revision you read, so that"
                    + " you do not overwrite someone else's change");
        }
        return v;
    }
}
