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
 * host (a {@link HostResolver}, by default the JDK's, on a thread of its own: a lookup that hangs holds that thread
 * only, never a shared worker another endpoint's lookup waits for; it is given up at the request's timeout),
 * refuses it when any of its addresses is refused by the {@link AddressPolicy}, and connects to the first address
 * it checked ({@code RequestOptions.setServer}), sending the URL's host in {@code Host} (and for TLS, as the name
 * the certificate must match). Redirects are not followed:
 * a 3xx is a failure, as the Standard Webhooks specification advises.
 */
public final class HttpWebhookSender implements WebhookSender {

    /** The User-Agent of every request. */
    public static final String USER_AGENT = "Guidon-Webhooks/1";

    /** How long {@link #refusal} waits for a lookup, when a subscription is made or changed. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Names to addresses. Blocking: called on a thread of its own. Contract: every address the name has (the
     * policy refuses the name when any is refused), or {@link UnknownHostException} when it has none.
     */
    @FunctionalInterface
    public interface HostResolver {
        /** The JDK's resolver ({@link InetAddress#getAllByName}). */
        HostResolver SYSTEM = InetAddress::getAllByName;

        /** @throws UnknownHostException when {@code host} has no address */
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    private final Vertx vertx;
    private final AddressPolicy policy;
    private final HostResolver resolver;
    private final HttpClientAgent client;
    /**
     * A platform thread per lookup (the JDK resolver blocks in native code, which would pin a virtual thread's
     * carrier): their number is bounded by the deliveries in flight, which the dispatcher bounds per endpoint.
     */
    private final java.util.concurrent.ExecutorService lookups = java.util.concurrent.Executors
            .newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("guidon-webhook-lookup-", 0).factory());

    /** @param perEndpoint the most connections to one endpoint address ({@code webhooks.max-in-flight-per-endpoint}) */
    public HttpWebhookSender(Vertx vertx, AddressPolicy policy, int perEndpoint) {
        this(vertx, policy, perEndpoint, HostResolver.SYSTEM);
    }

    /** @param resolver how host names are looked up (tests stand in for DNS with it) */
    public HttpWebhookSender(Vertx vertx, AddressPolicy policy, int perEndpoint, HostResolver resolver) {
        this.vertx = vertx;
        this.policy = policy;
        this.resolver = resolver;
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
                    : resolver.addresses(host);
        } catch (UnknownHostException e) {
            return new Target(uri, null, "host '" + host + "' does not resolve");
        }
        for (InetAddress a : all) {
            String why = policy.refusal(a);
            if (why != null) {
                return new Target(uri, null, "host '" + host + "' resolves to " + a.getHostAddress() + ", "
                        + AddressPolicy.kindOf(why) + ": webhooks are not sent to loopback, link-local, private or"
                        + " other internal addresses (webhooks.allowed-addresses lists exceptions)");
            }
        }
        return new Target(uri, all[0], null);
    }

    @Override
    public String refusal(String url) {
        Target t = Future.await(lookup(url, CHECK_TIMEOUT).recover(e -> e instanceof java.util.concurrent
                .TimeoutException ? Future.succeededFuture(new Target(null, null, "host '" + URI.create(url).getHost()
                        + "' could not be resolved within " + CHECK_TIMEOUT.toSeconds() + " s"))
                : Future.failedFuture(e)));
        return t.refusal();
    }

    /** {@link #target} on a lookup thread; a {@link java.util.concurrent.TimeoutException} after {@code timeout}. */
    private Future<Target> lookup(String url, Duration timeout) {
        java.util.concurrent.CompletableFuture<Target> done = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> target(url), lookups);
        return Future.fromCompletionStage(done, vertx.getOrCreateContext()).recover(e -> Future.failedFuture(
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Future<Outcome> send(Request r) {
        long start = System.nanoTime();
        return lookup(r.url(), r.timeout()).compose(t -> {
            if (t.refusal() != null) {
                return Future.succeededFuture(new Outcome(null, "refused: " + t.refusal(), millis(start), null,
                        null));
            }
            return post(t, r, start);
        }, e -> Future.succeededFuture(new Outcome(null, "could not resolve: " + (e instanceof java.util.concurrent
                .TimeoutException ? "no answer within " + r.timeout().toMillis() + " ms" : describe(e)), millis(start),
                null, null)));
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
        lookups.shutdownNow();
        return client.close();
    }
}
