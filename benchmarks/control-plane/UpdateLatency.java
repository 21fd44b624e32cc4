import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends sequential toggles of one flag and measures, for each, the time to the HTTP response (the change is
 * committed) and the time until a Redis subscriber on the environment's channel receives its notification.
 * Then measures as many sequential reads of the flag in its environment and of a page of 50 flag definitions.
 * Usage: java -cp CLASSPATH UpdateLatency.java URL ADMIN_KEY REDIS_URL CHANNEL UPDATES
 */
public class UpdateLatency {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String key = args[1];
        int updates = Integer.parseInt(args[4]);
        Vertx vertx = Vertx.vertx();
        BlockingQueue<Long> received = new LinkedBlockingQueue<>();
        RedisConnection sub = Redis.createClient(vertx, args[2]).connect().toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        sub.handler(r -> {
            if (r.size() == 3 && "message".equals(r.get(0).toString())) {
                received.add(System.nanoTime());
            }
        });
        sub.send(Request.cmd(Command.SUBSCRIBE).arg(args[3])).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        HttpClient http = HttpClient.newHttpClient();
        int warmup = 30;
        long[] commit = new long[updates];
        long[] publish = new long[updates];
        for (int i = 0; i < warmup + updates; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url
                            + "/api/v1/environments/production/flags/flag-0500/enabled"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\": " + (i % 2 == 0) + "}")).build();
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            long done = System.nanoTime();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("update failed: " + r.statusCode() + " " + r.body());
            }
            Long at = received.poll(10, TimeUnit.SECONDS);
            if (at == null) {
                throw new IllegalStateException("no notification within 10 s for update " + i);
            }
            if (i >= warmup) {
                commit[i - warmup] = done - start;
                publish[i - warmup] = at - start;
            }
        }
        report("request -> commit (HTTP response)", commit);
        report("request -> notification received", publish);
        report("GET flag in environment", reads(http, url + "/api/v1/environments/production/flags/flag-0500", key,
                warmup, updates));
        report("GET /api/v1/flags?limit=50", reads(http, url + "/api/v1/flags?limit=50", key, warmup, updates));
        sub.close();
        vertx.close();
    }

    /** Sequential GETs of {@code url}: the time of each to its full response, after {@code warmup} unmeasured. */
    static long[] reads(HttpClient http, String url, String key, int warmup, int n) throws Exception {
        long[] took = new long[n];
        for (int i = 0; i < warmup + n; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key).GET()
                    .build();
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            long done = System.nanoTime();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("read failed: " + r.statusCode() + " " + r.body());
            }
            if (i >= warmup) {
                took[i - warmup] = done - start;
            }
        }
        return took;
    }

    static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-36s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (n=%d)%n", what,
                ms(s, 0.50), ms(s, 0.90), ms(s, 0.99), s[s.length - 1] / 1e6, s.length);
    }

    static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
