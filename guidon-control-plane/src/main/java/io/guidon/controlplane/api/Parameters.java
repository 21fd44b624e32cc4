package io.guidon.controlplane.api;

import io.guidon.json.ValueChecks;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The edge check of a request's path and query parameters, as {@link io.guidon.json.BoundedJson} is of its
 * body: the path and query string are percent-encoded UTF-8, every value is text a store can hold (no U+0000), and
 * the query names only parameters the route reads.
 */
final class Parameters {

    private Parameters() {
    }

    /**
     * Where the request's path or query string is not percent-encoded UTF-8 ({@code path}, or the query parameter),
     * for the router's own 400, which it answers before any route runs; empty when both decode.
     */
    static List<FieldError> encodingErrors(io.vertx.core.http.HttpServerRequest request) {
        List<FieldError> errors = new ArrayList<>();
        String rawPath = request.path() == null ? "" : request.path();
        try {
            for (String segment : rawPath.split("/", -1)) {
                ValueChecks.decodeUriComponent(segment, false);
            }
        } catch (IllegalArgumentException e) {
            errors.add(FieldError.named("path", "is not percent-encoded UTF-8: " + e.getMessage()));
        }
        String query = request.query();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String rawName = eq < 0 ? pair : pair.substring(0, eq);
                try {
                    String name = ValueChecks.decodeUriComponent(rawName, true);
                    try {
                        ValueChecks.decodeUriComponent(eq < 0 ? "" : pair.substring(eq + 1), true);
                    } catch (IllegalArgumentException e) {
                        errors.add(FieldError.named(ValueChecks.printable(name, 60), "is not percent-encoded UTF-8: "
                                + e.getMessage()));
                    }
                } catch (IllegalArgumentException e) {
                    errors.add(FieldError.named(ValueChecks.printable(rawName, 60), "the name is not percent-encoded"
                            + " UTF-8: " + e.getMessage()));
                }
            }
        }
        return errors;
    }

    /** Every problem of the request's parameters, each named by its parameter; empty when there is none. */
    static List<FieldError> check(RoutingContext ctx, List<String> allowedQuery) {
        List<FieldError> errors = new ArrayList<>();
        String rawPath = ctx.request().path();
        try {
            for (String segment : rawPath.split("/", -1)) {
                ValueChecks.decodeUriComponent(segment, false);
            }
        } catch (IllegalArgumentException e) {
            errors.add(FieldError.named("path", "is not percent-encoded UTF-8: " + e.getMessage()));
            return errors;
        }
        for (Map.Entry<String, String> p : ctx.pathParams().entrySet()) {
            String problem = ValueChecks.textProblem(p.getValue());
            if (problem != null) {
                errors.add(FieldError.named(p.getKey(),
                        "'" + ValueChecks.printable(p.getValue(), 60) + "' " + problem));
            }
        }
        String query = ctx.request().query();
        if (query == null || query.isEmpty()) {
            return errors;
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
            String name;
            String value;
            try {
                name = ValueChecks.decodeUriComponent(rawName, true);
            } catch (IllegalArgumentException e) {
                errors.add(FieldError.named(ValueChecks.printable(rawName, 60),
                        "the name is not percent-encoded UTF-8: " + e.getMessage()));
                continue;
            }
            try {
                value = ValueChecks.decodeUriComponent(rawValue, true);
            } catch (IllegalArgumentException e) {
                errors.add(FieldError.named(ValueChecks.printable(name, 60), "is not percent-encoded UTF-8: "
                        + e.getMessage()));
                continue;
            }
            String nameProblem = ValueChecks.textProblem(name);
            if (nameProblem != null) {
                errors.add(FieldError.named(ValueChecks.printable(name, 60), "the name " + nameProblem));
                continue;
            }
            if (!allowedQuery.contains(name)) {
                unknown.add(name);
                continue;
            }
            String problem = ValueChecks.textProblem(value);
            if (problem != null) {
                errors.add(FieldError.named(name, "'" + ValueChecks.printable(value, 60) + "' " + problem));
            }
        }
        for (String name : unknown) {
            errors.add(FieldError.named(ValueChecks.printable(name, 60), "unknown query parameter; "
                    + (allowedQuery.isEmpty() ? "this route takes none"
                            : "this route takes " + String.join(", ", allowedQuery))));
        }
        return errors;
    }
}
