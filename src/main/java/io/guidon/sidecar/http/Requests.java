package io.guidon.sidecar.http;

import io.guidon.common.json.BoundedJson;
import io.guidon.engine.EvaluationContext;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Turns request bodies and query strings into evaluation contexts, refusing what is malformed or too big. */
final class Requests {

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

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
            throw SidecarException.parse(e.isLimit() ? "the body is too large a JSON document: " + e.getMessage()
                    : e.getMessage());
        }
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw SidecarException.parse("the body must be a JSON object such as {\"context\": {\"targetingKey\": "
                    + "\"user-1\"}}");
        }
        return (Map<String, Object>) map;
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
     * Query parameters as attributes: {@code true}/{@code false} become booleans, numbers become numbers, a
     * repeated parameter becomes a list, everything else stays a string; {@code targetingKey} is always a string.
     */
    static EvaluationContext fromQuery(MultiMap params, String targetingKey) {
        Map<String, Object> attributes = new HashMap<>();
        for (String name : params.names()) {
            List<String> values = params.getAll(name);
            if (name.equals(EvaluationContext.TARGETING_KEY)) {
                attributes.put(name, values.get(0));
            } else if (values.size() == 1) {
                attributes.put(name, typed(values.get(0)));
            } else {
                List<Object> list = new ArrayList<>(values.size());
                for (String v : values) {
                    list.add(typed(v));
                }
                attributes.put(name, list);
            }
        }
        if (targetingKey != null) {
            attributes.put(EvaluationContext.TARGETING_KEY, targetingKey);
        }
        return EvaluationContext.of(attributes);
    }

    static Object typed(String v) {
        if (v.equals("true")) {
            return Boolean.TRUE;
        }
        if (v.equals("false")) {
            return Boolean.FALSE;
        }
        if (INTEGER.matcher(v).matches()) {
            return Long.parseLong(v);
        }
        if (v.length() < 64 && DECIMAL.matcher(v).matches()) {
            return Double.parseDouble(v);
        }
        return v;
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
