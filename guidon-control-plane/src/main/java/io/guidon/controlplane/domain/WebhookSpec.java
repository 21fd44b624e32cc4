package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.json.Pointer;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a webhook subscription asks for (V15 {@code webhook_subscriptions}, docs/webhooks.md), as read from the body
 * of {@code POST /api/v1/webhooks} or {@code PUT /api/v1/webhooks/{id}} by {@link #parse}. Pure: whether the URL's
 * host resolves to an address webhooks may be sent to is the service's check.
 *
 * @param url an absolute {@code http} or {@code https} URL without user information or fragment, at most
 *     {@link #MAX_URL} characters
 * @param description plain text, up to 2000 characters ('' when none)
 * @param eventTypes the event types sent ({@link WebhookEvents#ALL}), each once, at least one
 * @param environments the environments whose events are sent (by key); empty: every one
 * @param tags the flag tags whose events are sent; empty: any
 * @param enabled whether events are sent
 * @param timeout how long an attempt may take, 1 to 30 seconds
 */
public record WebhookSpec(String url, String description, List<String> eventTypes, List<String> environments,
        List<String> tags, boolean enabled, Duration timeout) {

    /** The longest URL. */
    public static final int MAX_URL = 2048;
    /** The longest attempt. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    /** Most environments or tags in a filter. */
    public static final int MAX_FILTER = 50;
    /** The longest tag (as a flag's). */
    public static final int MAX_TAG = 64;
    private static final Set<String> FIELDS = Set.of("url", "description", "eventTypes", "environments", "tags",
            "enabled", "timeout");

    /** The spec read from a body, or null when it broke a rule; and every violation, with its pointer. */
    public record Parsed(WebhookSpec spec, List<Violation> violations) {
    }

    /**
     * Reads a subscription's body, reporting every violation at its pointer: unknown members; a missing, relative,
     * non-HTTP, too long URL, or one with user information or a fragment; an empty, unknown or repeated event type;
     * an environment that is not a key; a tag that is not 1 to 64 characters of plain text; more than 50 of
     * either; an {@code enabled} that is not a boolean; a timeout that is not an ISO-8601 duration of whole seconds
     * from PT1S to PT30S.
     *
     * @param defaultTimeout the timeout when the body gives none ({@code webhooks.timeout})
     */
    public static Parsed parse(JsonNode body, Duration defaultTimeout) {
        List<Violation> v = new ArrayList<>();
        BodyReader r = new BodyReader(v);
        Pointer root = Pointer.ROOT;
        if (body == null || !body.isObject()) {
            r.add(root, "must be an object with url and eventTypes");
            return new Parsed(null, v);
        }
        r.unknown(body, FIELDS, root);
        String url = url(body.get("url"), r);
        String description = r.text(body, "description", root, BodyReader.MAX_DESCRIPTION, false);
        List<String> types = eventTypes(body.get("eventTypes"), r);
        List<String> environments = list(body.get("environments"), "environments", r, (n, at) -> {
            if (!n.isTextual() || !FlagDocumentCompiler.KEY.matcher(n.textValue()).matches()) {
                r.add(at, "must be an environment's key: 1 to 128 of a-z, 0-9, '.', '_', '-', starting with a letter"
                        + " or digit, not " + BodyReader.show(n));
                return null;
            }
            return n.textValue();
        });
        List<String> tags = list(body.get("tags"), "tags", r, (n, at) -> {
            String problem = n.isTextual() ? PlainText.problem(n.textValue(), MAX_TAG) : "must be a string";
            if (problem == null && n.textValue().isBlank()) {
                problem = "must not be empty";
            }
            if (problem != null) {
                r.add(at, problem + " (a flag's tag: 1 to " + MAX_TAG + " characters), not " + BodyReader.show(n));
                return null;
            }
            return n.textValue();
        });
        Boolean enabled = r.bool(body, "enabled", root, true);
        Duration timeout = timeout(body.get("timeout"), defaultTimeout, r);
        if (!v.isEmpty()) {
            return new Parsed(null, List.copyOf(v));
        }
        return new Parsed(new WebhookSpec(url, description == null ? "" : description, types, environments, tags,
                enabled, timeout), List.of());
    }

    private static String url(JsonNode n, BodyReader r) {
        Pointer at = Pointer.of("url");
        String example = "an absolute http or https URL such as https://hooks.example.com/guidon";
        if (BodyReader.absent(n)) {
            r.add(at, "required: " + example);
            return null;
        }
        if (!n.isTextual()) {
            r.add(at, "must be " + example + ", not " + BodyReader.show(n));
            return null;
        }
        String s = n.textValue();
        if (s.length() > MAX_URL) {
            r.add(at, "must be at most " + MAX_URL + " characters, not " + s.length());
            return null;
        }
        String problem = problem(s);
        if (problem != null) {
            r.add(at, problem + ": must be " + example + ", not " + BodyReader.show(n));
            return null;
        }
        return s;
    }

    /** What is wrong with {@code url} as a webhook's URL, or null. */
    static String problem(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return "not a URL (" + e.getReason() + ")";
        }
        String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            return "the scheme is " + (scheme == null ? "missing" : "'" + scheme + "'");
        }
        if (u.getRawUserInfo() != null) {
            return "user information (user:password@) is not sent: put a token in the path or query instead";
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            return hostProblem(u.getRawAuthority());
        }
        if (u.getRawFragment() != null) {
            return "a fragment (#...) is never sent";
        }
        if (u.getPort() == 0 || u.getPort() > 65535) {
            return "the port is " + u.getPort();
        }
        return null;
    }

    /**
     * Why {@code authority} (a URL's, whose host {@link URI} could not read) has no usable host: missing, percent-
     * encoded, an internationalized name (with its ASCII form to use instead), an IPv4 address in a shorthand or
     * hexadecimal form, a numeric name ending with a dot, or characters a host name cannot have.
     */
    static String hostProblem(String authority) {
        if (authority == null || authority.isEmpty()) {
            return "the host is missing";
        }
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = host.lastIndexOf(':');
        if (!host.startsWith("[") && colon >= 0 && host.substring(colon + 1).matches("[0-9]*")) {
            host = host.substring(0, colon);
        }
        if (host.isEmpty()) {
            return "the host is missing";
        }
        String shown = "'" + (host.length() > 100 ? host.substring(0, 100) + "..." : host) + "'";
        if (host.indexOf('%') >= 0) {
            return "the host " + shown + " is percent-encoded: write it plainly (a host name is letters, digits, '-'"
                    + " and '.')";
        }
        if (!host.chars().allMatch(ch -> ch < 128)) {
            try {
                return "the host " + shown + " is an internationalized name: write it in its ASCII form, '"
                        + java.net.IDN.toASCII(host, java.net.IDN.ALLOW_UNASSIGNED) + "'";
            } catch (IllegalArgumentException e) {
                return "the host " + shown + " is not a valid internationalized name (" + e.getMessage() + ")";
            }
        }
        String bare = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (host.endsWith(".") && bare.matches("([0-9]{1,3}\\.){3}[0-9]{1,3}")) {
            return "the host " + shown + " ends with a dot: write the IPv4 address without it ('" + bare + "')";
        }
        if (bare.matches("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*")) {
            return "the host " + shown + " is an IPv4 address in a shorthand, octal or hexadecimal form: write it as"
                    + " four decimal numbers, such as 203.0.113.10";
        }
        return "the host " + shown + " is not a host name (letters, digits, '-' and '.', each label starting and"
                + " ending with a letter or digit) nor an IP address (IPv6 in brackets)";
    }

    private static List<String> eventTypes(JsonNode n, BodyReader r) {
        Pointer at = Pointer.of("eventTypes");
        if (BodyReader.absent(n)) {
            r.add(at, "required: a list of event types, such as [\"flag.toggled\"] (see docs/webhooks.md)");
            return null;
        }
        if (!n.isArray() || n.isEmpty()) {
            r.add(at, "must be a non-empty list of event types, such as [\"flag.toggled\"], not "
                    + (n.isArray() ? "an empty list" : BodyReader.show(n)));
            return null;
        }
        Set<String> types = new LinkedHashSet<>();
        int before = r.size();
        for (int i = 0; i < n.size(); i++) {
            JsonNode t = n.get(i);
            Pointer ti = at.index(i);
            if (!t.isTextual() || !WebhookEvents.isKnown(t.textValue())) {
                r.add(ti, "must be one of " + String.join(", ", WebhookEvents.ALL) + ", not " + BodyReader.show(t));
            } else if (!types.add(t.textValue())) {
                r.add(ti, "'" + t.textValue() + "' is listed twice");
            }
        }
        return r.size() == before ? List.copyOf(types) : null;
    }

    private interface Item {
        String read(JsonNode n, Pointer at);
    }

    private static List<String> list(JsonNode n, String field, BodyReader r, Item item) {
        Pointer at = Pointer.of(field);
        if (BodyReader.absent(n)) {
            return List.of();
        }
        if (!n.isArray()) {
            r.add(at, "must be a list (empty: any), not " + BodyReader.show(n));
            return null;
        }
        if (n.size() > MAX_FILTER) {
            r.add(at, "must list at most " + MAX_FILTER + ", not " + n.size());
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        int before = r.size();
        for (int i = 0; i < n.size(); i++) {
            String s = item.read(n.get(i), at.index(i));
            if (s != null && !out.add(s)) {
                r.add(at.index(i), "'" + s + "' is listed twice");
            }
        }
        return r.size() == before ? List.copyOf(out) : null;
    }

    private static Duration timeout(JsonNode n, Duration fallback, BodyReader r) {
        Pointer at = Pointer.of("timeout");
        if (BodyReader.absent(n)) {
            return fallback;
        }
        String rule = "an ISO-8601 duration of whole seconds from PT1S to PT30S, such as PT10S";
        if (!n.isTextual()) {
            r.add(at, "must be " + rule + ", not " + BodyReader.show(n));
            return null;
        }
        try {
            Duration d = Duration.parse(n.textValue());
            if (d.getNano() == 0 && d.getSeconds() >= 1 && d.compareTo(MAX_TIMEOUT) <= 0) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        r.add(at, "must be " + rule + ", not " + BodyReader.show(n));
        return null;
    }
}
