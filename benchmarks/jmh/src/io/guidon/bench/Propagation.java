package io.guidon.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Propagation of flag changes from the admin API to connected sidecars: toggles one flag {@code CHANGES} times
 * (after {@code WARMUP} unmeasured ones), one change at a time, and measures for each the time from sending the
 * {@code PUT .../enabled} request until every sidecar has pushed the new version on its {@code /v1/stream}
 * (Server-Sent Events, read as they arrive); then checks with an OFREP request to each sidecar that it serves the
 * new value. The sidecar publishes a flag set before announcing it, so the event's arrival is a time at which the
 * sidecar already serves the value.
 *
 * <p>Usage: {@code Propagation CONTROL_PLANE_URL ADMIN_KEY ENVIRONMENT FLAG CHANGES WARMUP SIDECAR_PORT...}; the
 * flag must serve {@code true} when enabled and {@code false} when disabled, and be disabled at the start.
 */
public final class Propagation {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*(true|false)");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(2)).build();

    /** A sidecar's event stream: the arrival time (nanoTime) of each version it announced. */
    private final class Stream implements Flow.Subscriber<String> {
        final int port;
        final NavigableMap<Long, Long> arrivals = new ConcurrentSkipListMap<>();
        private String id;
        private volatile Throwable failure;

        Stream(int port) {
            this.port = port;
            http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/stream")).build(),
                    HttpResponse.BodyHandlers.fromLineSubscriber(this));
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.isEmpty() && id != null) {
                long at = System.nanoTime();
                arrivals.putIfAbsent(Long.parseLong(id), at);
                id = null;
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
            synchronized (this) {
                notifyAll();
            }
        }

        @Override
        public void onComplete() {
            onError(new IllegalStateException("the stream of the sidecar on port " + port + " ended"));
        }

        /** When the sidecar first announced {@code version} or a later one. */
        synchronized long await(long version) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true) {
                Map.Entry<Long, Long> e = arrivals.ceilingEntry(version);
                if (e != null) {
                    return e.getValue();
                }
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the sidecar on port " + port + " did not announce version "
                            + version + " within " + TIMEOUT);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: Propagation CONTROL_PLANE_URL ADMIN_KEY ENVIRONMENT FLAG CHANGES WARMUP PORT...");
            System.exit(2);
        }
        int[] ports = Arrays.stream(args, 6, args.length).mapToInt(Integer::parseInt).toArray();
        new Propagation().run(args[0], args[1], args[2], args[3], Integer.parseInt(args[4]),
                Integer.parseInt(args[5]), ports);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long environmentVersion(String cp, String key, String env) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(cp + "/api/v1/environments/" + env))
                .header("Authorization", "Bearer " + key));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET environment: " + r.statusCode() + " " + r.body());
        }
        Matcher m = VERSION.matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("no version in " + r.body());
        }
        return Long.parseLong(m.group(1));
    }

    private void run(String cp, String key, String env, String flag, int changes, int warmup, int[] ports)
            throws Exception {
        List<Stream> streams = new ArrayList<>();
        long v0 = environmentVersion(cp, key, env);
        for (int port : ports) {
            Stream s = new Stream(port);
            s.await(v0); // the stream's hello carries the version the sidecar holds
            streams.add(s);
        }
        URI toggle = URI.create(cp + "/api/v1/environments/" + env + "/flags/" + flag + "/enabled");
        long[] committed = new long[changes];
        long[] everywhere = new long[changes];
        long[] first = new long[changes];
        for (int i = 0; i < warmup + changes; i++) {
            boolean on = i % 2 == 0;
            long expected = v0 + i + 1;
            HttpRequest.Builder put = HttpRequest.newBuilder(toggle).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\": " + on + "}"));
            long start = System.nanoTime();
            HttpResponse<String> r = send(put);
            long done = System.nanoTime();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("change " + i + ": " + r.statusCode() + " " + r.body());
            }
            long last = 0;
            long earliest = Long.MAX_VALUE;
            for (Stream s : streams) {
                long at = s.await(expected);
                last = Math.max(last, at);
                earliest = Math.min(earliest, at);
            }
            for (int port : ports) {
                confirm(port, flag, on, expected);
            }
            if (i >= warmup) {
                committed[i - warmup] = done - start;
                everywhere[i - warmup] = last - start;
                first[i - warmup] = earliest - start;
            }
        }
        long end = environmentVersion(cp, key, env);
        if (end != v0 + warmup + changes) {
            throw new IllegalStateException("the environment is at version " + end + ", expected "
                    + (v0 + warmup + changes) + ": something else changed it");
        }
        System.out.printf("%d sidecars, %d changes (after %d warm-up), one at a time%n", ports.length, changes,
                warmup);
        report("request -> commit (HTTP response)", committed);
        report("request -> first sidecar serves", first);
        report("request -> every sidecar serves", everywhere);
        System.exit(0);
    }

    /** OFREP on the sidecar: it must serve {@code on}; its native API must report {@code version} or later. */
    private void confirm(int port, String flag, boolean on, long version) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/ofrep/v1/evaluate/flags/" + flag)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"context\":{\"targetingKey\":\"bench-user\"}}")));
        Matcher value = VALUE.matcher(r.body());
        if (r.statusCode() != 200 || !value.find() || Boolean.parseBoolean(value.group(1)) != on) {
            throw new IllegalStateException("the sidecar on port " + port + " announced version " + version
                    + " but serves " + r.statusCode() + " " + r.body() + " (expected " + on + ")");
        }
        HttpResponse<String> n = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/flags/"
                + flag + "?targetingKey=bench-user")));
        Matcher v = VERSION.matcher(n.body());
        if (!v.find() || Long.parseLong(v.group(1)) < version) {
            throw new IllegalStateException("the sidecar on port " + port + " serves " + n.body() + ", expected "
                    + "version " + version);
        }
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("RESULT %-34s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (n=%d)%n", what,
                ms(s, 0.50), ms(s, 0.90), ms(s, 0.99), s[s.length - 1] / 1e6, s.length);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
