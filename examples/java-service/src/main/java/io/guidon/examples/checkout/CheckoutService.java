package io.guidon.examples.checkout;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.openfeature.contrib.providers.ofrep.OfrepProvider;
import dev.openfeature.contrib.providers.ofrep.OfrepProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import io.guidon.openfeature.GuidonProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A checkout service that asks OpenFeature whether to show the new checkout: {@code GET /checkout?user=ID&country=CC}
 * answers {@code {"user": ID, "newCheckout": true|false, "variant", "reason", "provider"}}.
 *
 * <p>Configured by environment variables:
 * <ul>
 *   <li>{@code GUIDON_PROVIDER}: {@code in-process} (default: the Guidon engine inside this process) or {@code ofrep}
 *       (every evaluation asks a Guidon sidecar over the OpenFeature Remote Evaluation Protocol);</li>
 *   <li>in-process, one source: {@code GUIDON_FLAG_FILE} (a flag file), {@code GUIDON_SIDECAR_URL} (a sidecar,
 *       followed through its change stream), or {@code GUIDON_CONTROL_PLANE_URL} with {@code GUIDON_SIDECAR_KEY}
 *       (and optionally {@code GUIDON_ENVIRONMENT}): the control plane directly;
 *       {@code GUIDON_POLL_INTERVAL_MS} how often the source is checked;</li>
 *   <li>ofrep: {@code GUIDON_SIDECAR_URL};</li>
 *   <li>{@code PORT}: the port to listen on (default 8000; 0 picks a free one). The service prints
 *       {@code listening on port N} once it serves.</li>
 * </ul>
 */
public final class CheckoutService {

    static final String FLAG = "new-checkout";

    private final Client client;
    private final String providerName;

    CheckoutService(Client client, String providerName) {
        this.client = client;
        this.providerName = providerName;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        FeatureProvider provider = provider(env);
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        // Waits for the first flags (in-process) or the sidecar's configuration (OFREP).
        api.setProviderAndWait(provider);
        CheckoutService service = new CheckoutService(api.getClient(), provider.getMetadata().getName());

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1",
                Integer.parseInt(env.getOrDefault("PORT", "8000"))), 0);
        server.createContext("/checkout", service::checkout);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            api.shutdown();
        }));
        System.out.println("listening on port " + server.getAddress().getPort());
        System.out.flush();
    }

    /** The provider {@code env} asks for. */
    static FeatureProvider provider(Map<String, String> env) {
        String kind = env.getOrDefault("GUIDON_PROVIDER", "in-process");
        if (kind.equals("ofrep")) {
            return OfrepProvider.constructProvider(OfrepProviderOptions.builder()
                    .baseUrl(required(env, "GUIDON_SIDECAR_URL")).requestTimeout(Duration.ofSeconds(2)).build());
        }
        if (!kind.equals("in-process")) {
            throw new IllegalArgumentException("GUIDON_PROVIDER must be in-process or ofrep, not " + kind);
        }
        GuidonProvider.Builder b = GuidonProvider.builder();
        if (env.containsKey("GUIDON_FLAG_FILE")) {
            b.flagFile(Path.of(env.get("GUIDON_FLAG_FILE")));
        } else if (env.containsKey("GUIDON_CONTROL_PLANE_URL")) {
            b.controlPlane(URI.create(env.get("GUIDON_CONTROL_PLANE_URL")), required(env, "GUIDON_SIDECAR_KEY"),
                    env.get("GUIDON_ENVIRONMENT"));
        } else {
            b.sidecar(URI.create(required(env, "GUIDON_SIDECAR_URL")));
        }
        if (env.containsKey("GUIDON_POLL_INTERVAL_MS")) {
            b.pollInterval(Duration.ofMillis(Long.parseLong(env.get("GUIDON_POLL_INTERVAL_MS"))));
        }
        return b.build();
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("set " + name);
        }
        return v;
    }

    /** {@code GET /checkout?user=ID&country=CC}. */
    void checkout(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String user = query.getOrDefault("user", "anonymous");
            Map<String, Value> attributes = new HashMap<>();
            if (query.containsKey("country")) {
                attributes.put("country", new Value(query.get("country")));
            }
            FlagEvaluationDetails<Boolean> details = client.getBooleanDetails(FLAG, false,
                    new ImmutableContext(user, attributes));
            String body = "{\"user\":" + quote(user) + ",\"newCheckout\":" + details.getValue() + ",\"variant\":"
                    + quote(details.getVariant()) + ",\"reason\":" + quote(details.getReason()) + ",\"provider\":"
                    + quote(providerName) + "}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
