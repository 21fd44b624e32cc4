import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * Event ingest throughput of the control plane: CONCURRENCY posters send gzip-compressed batches of COUNTS counts,
 * EXPOSURES exposures and CONVERSIONS conversions (each batch with its own id, as sidecars do) to
 * POST /api/v1/events, and the events stored per second are measured. A warm-up round, then ROUNDS rounds of
 * BATCHES batches each (each round also stops after 120 s); every batch must be answered 202.
 * Usage: java -cp CLASSPATH EventIngest.java URL SIDECAR_KEY CONCURRENCY BATCHES ROUNDS COUNTS EXPOSURES CONVERSIONS
 */
public class EventIngest {

    public static void main(String[] args) throws Exception {
        String url = args[0] + "/api/v1/events";
        String key = args[1];
        int concurrency = Integer.parseInt(args[2]);
        int batches = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int counts = Integer.parseInt(args[5]);
        int exposures = Integer.parseInt(args[6]);
        int conversions = Integer.parseInt(args[7]);
        int events = counts + exposures + conversions;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        SplittableRandom random = new SplittableRandom(42);
        List<double[]> results = new ArrayList<>();
        long compressed = 0;
        long raw = 0;
        for (int round = 0; round <= rounds; round++) {
            boolean warmup = round == 0;
            int n = warmup ? Math.max(concurrency * 4, batches / 2) : batches;
            // Made before the clock starts: the load generator shares the cores with the server.
            List<byte[]> bodies = new ArrayList<>(n);
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String id = UUID.randomUUID().toString();
                byte[] json = batch(id, random, counts, exposures, conversions);
                byte[] gz = gzip(json);
                if (!warmup) {
                    raw += json.length;
                    compressed += gz.length;
                }
                bodies.add(gz);
                ids.add(id);
            }
            AtomicInteger next = new AtomicInteger();
            long[] latencies = new long[n];
            Arrays.fill(latencies, -1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long started = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < n && System.nanoTime() < deadline;) {
                        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .header("Content-Encoding", "gzip").header("Idempotency-Key", ids.get(i))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build();
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        latencies[i] = System.nanoTime() - t0;
                        if (r.statusCode() != 202) {
                            throw new IllegalStateException("batch " + i + ": " + r.statusCode() + " " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long[] done = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
            double perSecond = done.length * (double) events / seconds;
            double p50 = done[done.length / 2] / 1e6;
            double p99 = done[Math.min(done.length - 1, (int) Math.ceil(done.length * 0.99) - 1)] / 1e6;
            System.out.printf("%s: %d batches x %d events in %.2f s: %,.0f events/s, %.1f batches/s;"
                    + " batch latency p50 %.1f ms, p99 %.1f ms%n", warmup ? "warm-up" : "round " + round, done.length,
                    events, seconds, perSecond, done.length / seconds, p50, p99);
            if (!warmup) {
                results.add(new double[] {perSecond, p50, p99});
            }
        }
        pool.shutdown();
        results.sort((a, b) -> Double.compare(a[0], b[0]));
        double[] median = results.get(results.size() / 2);
        System.out.printf("median round: %,.0f events/s; batch latency p50 %.1f ms, p99 %.1f ms;"
                + " a batch is %,d bytes of JSON, %,d gzipped%n", median[0], median[1], median[2],
                raw / (rounds * (long) batches), compressed / (rounds * (long) batches));
    }

    static byte[] batch(String id, SplittableRandom r, int counts, int exposures, int conversions) {
        Instant now = Instant.now();
        String minute = now.truncatedTo(ChronoUnit.MINUTES).toString();
        StringBuilder sb = new StringBuilder(256 + (counts + exposures + conversions) * 110);
        sb.append("{\"batchId\":\"").append(id).append("\",\"sidecarId\":\"").append(UUID.randomUUID())
                .append("\",\"createdAt\":\"").append(now).append("\",\"counts\":[");
        for (int i = 0; i < counts; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"flag\":\"flag-").append(String.format("%04d", i / 2))
                    .append("\",\"variant\":\"").append(i % 2 == 0 ? "on" : "off").append("\",\"minute\":\"")
                    .append(minute).append("\",\"count\":").append(1 + r.nextInt(5000)).append('}');
        }
        sb.append("],\"exposures\":[");
        for (int i = 0; i < exposures; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"flag\":\"flag-").append(String.format("%04d", r.nextInt(250)))
                    .append("\",\"variant\":\"").append(r.nextBoolean() ? "on" : "off")
                    .append("\",\"targetingKey\":\"user-").append(r.nextInt(10_000_000))
                    .append("\",\"timestamp\":\"").append(now.minusMillis(r.nextInt(5000))).append("\"}");
        }
        sb.append("],\"conversions\":[");
        for (int i = 0; i < conversions; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"targetingKey\":\"user-").append(r.nextInt(10_000_000))
                    .append("\",\"event\":\"checkout-completed\",\"value\":").append(r.nextInt(20_000) / 100.0)
                    .append(",\"timestamp\":\"").append(now.minusMillis(r.nextInt(5000))).append("\"}");
        }
        sb.append("]}");
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
