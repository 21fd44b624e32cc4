package io.guidon.controlplane.ui;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Plain HTTP to the UI outside a browser (redirects not followed): for the requests a browser would never send,
 * such as a forged form post, and to read headers exactly.
 */
public final class UiHttp {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public UiHttp(int port) {
        this.port = port;
    }

    /** GET {@code path} with the session cookie {@code session} (null: none). */
    public HttpResponse<String> get(String path, String session, String... headers) {
        return send("GET", path, session, null, headers);
    }

    /** POST the form {@code fields} to {@code path} with the session cookie {@code session}. */
    public HttpResponse<String> post(String path, String session, Map<String, String> fields, String... headers) {
        return send("POST", path, session, form(fields), headers);
    }

    /** Signs in with {@code key} as the form does; returns the session cookie's value. */
    public String signIn(String key) {
        HttpResponse<String> form = get("/ui/sign-in", null);
        String formCookie = form.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(UiRouter.SIGN_IN_COOKIE + "=")).findFirst().orElseThrow();
        String token = formCookie.substring(formCookie.indexOf('=') + 1, formCookie.indexOf(';'));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", token);
        fields.put("key", key);
        HttpResponse<String> r = sendRaw("POST", "/ui/sign-in", UiRouter.SIGN_IN_COOKIE + "=" + token, form(fields),
                "Content-Type", "application/x-www-form-urlencoded");
        if (r.statusCode() != 303) {
            throw new IllegalStateException("sign-in answered " + r.statusCode() + ": " + r.body());
        }
        String session = r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(UiRouter.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        return session.substring(session.indexOf('=') + 1, session.indexOf(';'));
    }

    /** The CSRF token a page of the session carries in its forms. */
    public String csrf(String session) {
        HttpResponse<String> r = get("/ui/flags", session);
        Matcher m = CSRF.matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("no CSRF field on /ui/flags: " + r.statusCode());
        }
        return m.group(1);
    }

    public HttpResponse<String> send(String method, String path, String session, String body, String... headers) {
        String[] all = body == null ? headers : concat(headers, "Content-Type", "application/x-www-form-urlencoded");
        return sendRaw(method, path, session == null ? null : UiRouter.SESSION_COOKIE + "=" + session, body, all);
    }

    private HttpResponse<String> sendRaw(String method, String path, String cookie, String body, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30));
            if (cookie != null) {
                b.header("Cookie", cookie);
            }
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
