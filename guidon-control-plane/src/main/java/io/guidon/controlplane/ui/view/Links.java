package io.guidon.controlplane.ui.view;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/**
 * URLs of the UI's pages built from keys and filters: every key a path segment and every value a query parameter,
 * percent-encoded, so a key with odd characters still names its page (the templates escape the result for HTML).
 */
public final class Links {

    private Links() {
    }

    /** {@code value} as one path segment (or query value): percent-encoded, spaces as {@code %20}. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code path} followed by the query of the non-null, non-empty {@code params}, in their order ("" when none). */
    public static String withQuery(String path, Map<String, String> params) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                q.add(encode(name) + "=" + encode(value));
            }
        });
        return path + q;
    }

    /** The flag page of {@code key}. */
    public static String flag(String key) {
        return "/ui/flags/" + encode(key);
    }

    /** The segment page of {@code key} in {@code environment}. */
    public static String segment(String environment, String key) {
        return "/ui/segments/" + encode(environment) + "/" + encode(key);
    }
}
