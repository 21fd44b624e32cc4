package io.guidon.sidecar.http;

import io.guidon.common.json.BoundedJson;
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

    /** The body as a JSON object; an empty body is an empty object. */
    @SuppressWarnings("unchecked")
    Map<String, Object> object(RoutingContext ctx) {
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        Object value;
        try {
            value = json.parse(bytes);
        } catch (BoundedJson.Rejected e) {
            throw SidecarException.parse(JsonProblems.plain(e.getMessage(), e.isLimit()));
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
