package io.guidon.controlplane.publish;

import io.guidon.controlplane.domain.AddressPolicy;
import io.guidon.controlplane.service.WebhookSender;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link WebhookSender} over the Vert.x HTTP client (docs/adr/0120-webhooks.md): one client per replica whose
 * connection pool is kept per endpoint address (at most {@code perEndpoint} connections each), so a slow or dead
 * endpoint holds only its own connections and never delays another's requests. Each request resolves the URL's
 * host (the JDK's resolver, on a worker thread), refuses it when any of its addresses is refused by the
 * {@link AddressPolicy}, and connects to the first address it checked ({@code RequestOptions.setServer}), sending
 * the URL's host in {@code Host} (and for TLS, as the name the certificate must match). Redirects are not followed:
 * a 3xx is a failure, as the Standard Webhooks specification advises.
 */
public final class HttpWebhookSender implements WebhookSender {

    /** The User-Agent of every request. */
    public static final String USER_AGENT = "Guidon-Webhooks/1";

    private final Vertx vertx;
    private final AddressPolicy policy;
    private final HttpClientAgent client;

    /** @param perEndpoint the most connections to one endpoint address ({@code webhooks.max-in-flight-per-endpoint}) */
    public HttpWebhookSender(Vertx vertx, AddressPolicy policy, int perEndpoint) {
        this.vertx = vertx;
        this.policy = policy;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxRedirects(0)
                        .setName("guidon-webhooks").setIdleTimeout(30).setVerifyHost(true).setForceSni(true),
                new PoolOptions().setHttp1MaxSize(perEndpoint).setMaxWaitQueueSize(1024));
    }

    /** The address to connect to, or the reason none may be used. */
    private record Target(URI uri, InetAddress address, String refusal) {
    }

    private Target target(String url) {
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] all;
        try {
            byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
            all = literal != null ? new InetAddress[] {InetAddress.getByAddress(literal)}
                    : InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new Target(uri, null, "host '" + host + "' does not resolve");
        }
        for (InetAddress a : all) {
            String why = policy.refusal(a);
            if (why != null) {
                return new Target(uri, null, "host '" + host + "' resolves to " + a.getHostAddress() + ", a " + why
                        + " address: webhooks are not sent to loopback, link-local, private or other internal"
                        + " addresses (webhooks.allowed-addresses lists exceptions)");
            }
        }
        return new Target(uri, all[0], null);
    }

    @Override
    public String refusal(String url) {
        return Future.await(vertx.executeBlocking(() -> target(url), false)).refusal();
    }

    @Override
    public Future<Outcome> send(Request r) {
        long start = System.nanoTime();
        return vertx.executeBlocking(() -> target(r.url()), false).compose(t -> {
            if (t.refusal() != null) {
                return Future.succeededFuture(new Outcome(null, "refused: " + t.refusal(), millis(start), null,
                        null));
            }
            return post(t, r, start);
        }, e -> Future.succeededFuture(new Outcome(null, "could not resolve: " + e.getMessage(), millis(start), null,
                null)));
    }

    private Future<Outcome> post(Target t, Request r, long start) {
        URI uri = t.uri();
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost())
                .setPort(port).setSsl(tls).setURI(path).setFollowRedirects(false)
                .setServer(SocketAddress.inetSocketAddress(port, t.address().getHostAddress()))
                .setConnectTimeout(r.timeout().toMillis());
        options.putHeader("content-type", "application/json");
        options.putHeader("user-agent", USER_AGENT);
        r.headers().forEach(options::putHeader);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        Future<Outcome> answer = client.request(options).compose(req -> {
            sent.set(req);
            return req.send(Buffer.buffer(r.body()));
        }).compose(resp -> read(resp, start));
        return answer.timeout(r.timeout().toMillis(), TimeUnit.MILLISECONDS).recover(e -> {
            HttpClientRequest req = sent.get();
            if (req != null) {
                req.reset();
            }
            boolean timedOut = e instanceof java.util.concurrent.TimeoutException
                    || e instanceof io.vertx.core.http.StreamResetException || String.valueOf(e.getMessage())
                    .contains("timeout");
            return Future.succeededFuture(new Outcome(null, (timedOut ? "timed out after " + r.timeout().toMillis()
                    + " ms" : "no answer: " + describe(e)), millis(start), null, null));
        });
    }

    private static Future<Outcome> read(HttpClientResponse resp, long start) {
        Promise<Outcome> done = Promise.promise();
        Buffer head = Buffer.buffer();
        resp.handler(b -> {
            int room = RESPONSE_BYTES - head.length();
            if (room > 0) {
                head.appendBuffer(b.length() <= room ? b : b.getBuffer(0, room));
            }
        });
        resp.exceptionHandler(done::tryFail);
        resp.endHandler(v -> done.tryComplete(new Outcome(resp.statusCode(), null, millis(start),
                new String(head.getBytes(), StandardCharsets.UTF_8), retryAfter(resp.getHeader("retry-after")))));
        return done.future();
    }

    /** A {@code Retry-After} in seconds (an HTTP date is not honoured: clocks differ), at most a day. */
    static Duration retryAfter(String header) {
        if (header == null || !header.strip().matches("[0-9]{1,9}")) {
            return null;
        }
        return Duration.ofSeconds(Math.min(86_400, Long.parseLong(header.strip())));
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Closes the client's connections. */
    public Future<Void> close() {
        return client.close();
    }
}
