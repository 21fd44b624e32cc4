package io.guidon.sidecar.http;

import io.guidon.json.BoundedJson;
import io.guidon.json.JsonProblems;
import io.guidon.json.ValueChecks;
import io.guidon.engine.EvaluationContext;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Turns request bodies and query strings into evaluation contexts, refusing what is malformed or too big. */
final class Requests {

    /** JSON's integers and decimals, exactly: what a JSON body may hold is what a query parameter may hold. */
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    /** Longest number a query parameter may hold, as in a body (BoundedJson's limit). */
    private static final int MAX_NUMBER_LENGTH = 100;

    private final BoundedJson json;

    Requests(BoundedJson json) {
        this.json = json;
    }

    /**
     * The edge check of every request's path and query string, as {@link BoundedJson} is of its body: both must be
     * percent-encoded UTF-8 ({@code PARSE_ERROR} when not) without U+0000 or unpaired surrogates (in a path segment
     * {@code PARSE_ERROR}; in a query name or value, which are context attributes, {@code INVALID_CONTEXT}). A 400
     * that names the part, and on a single-flag route the flag key as sent (OFREP's error bodies carry it); otherwise
     * the next handler runs. Query numbers beyond the double range are refused where they are typed ({@link #typed}).
     */
    static void checkUri(RoutingContext ctx) {
        String rawPath = ctx.request().path();
        String query = ctx.request().query();
        if (plain(rawPath) && (query == null || plain(query))) {
            // Every request comes here: printable ASCII without '%' decodes to itself and holds nothing to refuse.
            ctx.next();
            return;
        }
        String key = SidecarRoute.rawFlagKey(rawPath);
        for (String segment : rawPath.split("/", -1)) {
            String decoded;
            try {
                decoded = ValueChecks.decodeUriComponent(segment, false);
            } catch (IllegalArgumentException e) {
                throw new SidecarException(400, "PARSE_ERROR", key != null
                        ? "the flag key in the path is not valid percent-encoding (such as %2F for '/'): " + key
                        : "the path is not valid percent-encoding (such as %20 for a space): " + rawPath, key);
            }
            String problem = ValueChecks.textProblem(decoded);
            if (problem != null) {
                throw new SidecarException(400, "PARSE_ERROR", "the path segment '"
                        + ValueChecks.printable(decoded, 60) + "' " + problem, key);
            }
        }
        if (query == null || query.isEmpty()) {
            ctx.next();
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name;
            String value;
            try {
                name = ValueChecks.decodeUriComponent(rawName, true);
                value = ValueChecks.decodeUriComponent(eq < 0 ? "" : pair.substring(eq + 1), true);
            } catch (IllegalArgumentException e) {
                throw new SidecarException(400, "PARSE_ERROR", "the query string is not valid percent-encoding (such "
                        + "as %20 for a space, %25 for '%'): '" + ValueChecks.printable(pair, 60) + "': "
                        + e.getMessage(), key);
            }
            String problem = ValueChecks.textProblem(name);
            if (problem != null) {
                throw new SidecarException(400, "INVALID_CONTEXT", "the query parameter name '"
                        + ValueChecks.printable(name, 60) + "' " + problem, key);
            }
            problem = ValueChecks.textProblem(value);
            if (problem != null) {
                throw new SidecarException(400, "INVALID_CONTEXT", "the query parameter '"
                        + ValueChecks.printable(name, 60) + "' " + problem, key);
            }
        }
        ctx.next();
    }

    /** Whether {@code s} is printable ASCII without '%' (so it decodes to itself, and that is storable text). */
    static boolean plain(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '%') {
                return false;
            }
        }
        return true;
    }

    /** The body as a JSON object; an empty body is an empty object. */
    @SuppressWarnings("unchecked")
    Map<String, Object> object(RoutingContext ctx) {
        return object(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    }

    /** {@link #object(RoutingContext)} of a body's bytes. */
    @SuppressWarnings("unchecked")
    Map<String, Object> object(byte[] bytes) {
        Object value;
        try {
            value = json.parse(bytes);
        } catch (BoundedJson.Rejected e) {
            throw SidecarException.parse(e.isLimit() ? "the body exceeds a limit: " + e.getMessage()
                    : e.kind() == BoundedJson.Kind.VALUE ? e.getMessage() : JsonProblems.plain(e.getMessage()));
        }
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw SidecarException.parse("the body must be a JSON object such as {\"context\": {\"targetingKey\": "
                    + "\"user-1\"}}, not " + describe(value));
        }
        return (Map<String, Object>) map;
    }

    /**
     * Refuses a body with fields other than {@code allowed}, naming them: a misspelt or misplaced field (a context
     * sent without its {@code "context"} wrapper) must not be evaluated as if it were absent.
     */
    static void onlyFields(Map<String, Object> body, List<String> allowed) {
        List<String> unknown = null;
        for (String field : body.keySet()) {
            if (!allowed.contains(field)) {
                if (unknown == null) {
                    unknown = new ArrayList<>();
                }
                unknown.add(field);
            }
        }
        if (unknown == null) {
            return;
        }
        StringBuilder sb = new StringBuilder(unknown.size() == 1 ? "unknown field " : "unknown fields ");
        for (int i = 0; i < unknown.size(); i++) {
            JsonText.string(sb.append(i == 0 ? "" : ", "), unknown.get(i));
        }
        sb.append(" in the body (allowed: ").append(String.join(", ", allowed)).append(')');
        if (allowed.contains("context") && !body.containsKey("context")) {
            sb.append("; the evaluation context goes inside \"context\": {\"context\": {\"targetingKey\": "
                    + "\"user-1\", ...}}");
        }
        throw SidecarException.parse(sb.toString());
    }

    /** {@code body.context} as an evaluation context; absent means an empty context. */
    @SuppressWarnings("unchecked")
    static EvaluationContext context(Map<String, Object> body) {
        Object context = body.get("context");
        if (context == null) {
            return EvaluationContext.of(Map.of());
        }
        if (!(context instanceof Map<?, ?> map)) {
            throw SidecarException.invalidContext("\"context\" must be a JSON object of attributes, not "
                    + describe(context));
        }
        Object key = map.get(EvaluationContext.TARGETING_KEY);
        if (key != null && !(key instanceof String)) {
            throw SidecarException.invalidContext("\"targetingKey\" must be a string, not " + describe(key));
        }
        return EvaluationContext.of((Map<String, Object>) map);
    }

    /**
     * Query parameters as attributes, typed as a JSON body would type them: {@code true}/{@code false} become
     * booleans, integers become 64-bit integers ({@link java.math.BigInteger} beyond, as in a body), decimals
     * become doubles, a repeated parameter becomes a list, everything else stays a string; {@code targetingKey}
     * is always a string. A number outside the double range (or that underflows to zero) is refused, as in a body.
     */
    static EvaluationContext fromQuery(MultiMap params, String targetingKey) {
        Map<String, Object> attributes = new HashMap<>();
        for (String name : params.names()) {
            List<String> values = params.getAll(name);
            if (name.equals(EvaluationContext.TARGETING_KEY)) {
                attributes.put(name, values.get(0));
            } else if (values.size() == 1) {
                attributes.put(name, typed(name, values.get(0)));
            } else {
                List<Object> list = new ArrayList<>(values.size());
                for (String v : values) {
                    list.add(typed(name, v));
                }
                attributes.put(name, list);
            }
        }
        if (targetingKey != null) {
            attributes.put(EvaluationContext.TARGETING_KEY, targetingKey);
        }
        return EvaluationContext.of(attributes);
    }

    static Object typed(String name, String v) {
        if (v.equals("true")) {
            return Boolean.TRUE;
        }
        if (v.equals("false")) {
            return Boolean.FALSE;
        }
        if (v.length() > MAX_NUMBER_LENGTH || !DECIMAL.matcher(v).matches()) {
            return v;
        }
        if (INTEGER.matcher(v).matches()) {
            BigInteger exact = new BigInteger(v);
            return exact.bitLength() < 64 ? (Object) exact.longValue() : exact;
        }
        double d = Double.parseDouble(v);
        if (Double.isInfinite(d)) {
            throw SidecarException.invalidContext("query parameter '" + name + "': " + v
                    + " is outside the range of a 64-bit floating-point number (about ±1.8E308)");
        }
        if (d == 0 && new BigDecimal(v).signum() != 0) {
            throw SidecarException.invalidContext("query parameter '" + name + "': " + v
                    + " is too small for a 64-bit floating-point number: it would become 0");
        }
        return d;
    }

    static String describe(Object v) {
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return "null";
    }
}
