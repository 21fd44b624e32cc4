package io.guidon.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real webhook endpoint for tests: the JDK's HTTP server on a free loopback port, recording every request it
 * gets, answering each path by a rule the test sets ({@link #answer}; 204 by default), and verifying signatures
 * with its own reading of the Standard Webhooks specification ({@link #verify}), written here from the
 * specification's text and independent of the server's signer.
 */
public final class WebhookReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received: its path, headers (lower-case names) and body bytes, when it came, and the status answered. */
    public record Received(String path, Map<String, String> headers, byte[] body, Instant at, int status) {

        public String header(String name) {
            return headers.get(name);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** How to answer a request to a path: the status (and the n-th request to that path, from 1). */
    public interface Rule extends Function<Integer, Integer> {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Map<String, Function<String, Integer>> bodyRules = new ConcurrentHashMap<>();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT),
                    String.join(",", v)));
            String path = exchange.getRequestURI().getPath();
            int n = counts.merge(path, 1, Integer::sum);
            Function<String, Integer> byBody = bodyRules.get(path);
            int status = byBody != null ? byBody.apply(new String(body, StandardCharsets.UTF_8))
                    : rules.getOrDefault(path, i -> 204).apply(n);
            // Recorded before answering: once the client sees the answer, the test sees the request.
            received.add(new Received(path, Map.copyOf(headers), body, Instant.now(), status));
            if (status == 302) {
                exchange.getResponseHeaders().add("Location", "/redirected");
            }
            byte[] answer = ("answer " + status + " to request " + n + " " + "x".repeat(2000))
                    .getBytes(StandardCharsets.UTF_8);
            if (status == 204) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
    }

    /** The URL of {@code path} on this receiver. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers requests to {@code path} by {@code rule}. */
    public void answer(String path, Rule rule) {
        rules.put(path, rule);
    }

    /** Answers requests to {@code path} by {@code rule} of their body (replacing a {@link Rule} of the path). */
    public void answerByBody(String path, Function<String, Integer> rule) {
        bodyRules.put(path, rule);
    }

    /** Every request so far to {@code path}, in the order received. */
    public List<Received> received(String path) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.path().equals(path)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Whether {@code r} carries a valid signature with {@code secret} ({@code whsec_<base64>}): one of the
     * space-separated {@code v1,<base64>} entries of {@code webhook-signature} equals the base64 of HMAC-SHA256,
     * keyed with the secret's decoded bytes, over {@code webhook-id}, '.', {@code webhook-timestamp}, '.', the raw
     * body; and the timestamp is within five minutes of now.
     */
    public static boolean verify(Received r, String secret) {
        String id = r.header("webhook-id");
        String timestamp = r.header("webhook-timestamp");
        String signatures = r.header("webhook-signature");
        if (id == null || timestamp == null || signatures == null || !secret.startsWith("whsec_")) {
            return false;
        }
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())),
                    "HmacSHA256"));
            byte[] signed = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
            byte[] content = new byte[signed.length + r.body().length];
            System.arraycopy(signed, 0, content, 0, signed.length);
            System.arraycopy(r.body(), 0, content, signed.length, r.body().length);
            byte[] expected = mac.doFinal(content);
            for (String entry : signatures.split(" ")) {
                int comma = entry.indexOf(',');
                if (comma > 0 && entry.substring(0, comma).equals("v1") && MessageDigest.isEqual(expected,
                        Base64.getDecoder().decode(entry.substring(comma + 1)))) {
                    return true;
                }
            }
            return false;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
