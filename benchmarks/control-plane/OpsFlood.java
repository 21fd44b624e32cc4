import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admin API's latency while scrapers flood /metrics. ADMIN_CLIENTS threads send GET /api/v1/flags?limit=50 one
 * after another for SECONDS; in the second phase SCRAPERS more threads read METRICS_URL in a loop at the same time.
 * Prints, per phase, the admin requests' p50, p99 and max, their rate, and the scrapes' rate and size.
 * JDK classes only: java OpsFlood.java API_URL ADMIN_KEY METRICS_URL SECONDS ADMIN_CLIENTS SCRAPERS
 */
public class OpsFlood {

    public static void main(String[] args) throws Exception {
        String api = args[0];
        String key = args[1];
        String metricsUrl = args[2];
        int seconds = Integer.parseInt(args[3]);
        int adminClients = Integer.parseInt(args[4]);
        int scrapers = Integer.parseInt(args[5]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // Traffic on many routes and statuses first, as in production: each (method, route, status) has a histogram.
        String[] warm = {"/api/v1/flags", "/api/v1/flags/flag-0001", "/api/v1/flags/none", "/api/v1/environments",
            "/api/v1/environments/production", "/api/v1/environments/none", "/api/v1/environments/production/flags",
            "/api/v1/environments/production/flags/flag-0001", "/api/v1/environments/production/segments",
            "/api/v1/audit", "/api/v1/keys", "/api/v1/flags/flag-0001/exposures?environment=production",
            "/api/v1/openapi.json", "/nope"};
        for (int i = 0; i < 3; i++) {
            for (String path : warm) {
                get(http, api + path, key);
                get(http, api + path, null);
            }
        }
        for (int i = 0; i < 200; i++) {
            get(http, api + "/api/v1/flags?limit=50", key);
        }
        phase("without scrapers", http, api, key, metricsUrl, seconds, adminClients, 0);
        phase("with " + scrapers + " scrapers", http, api, key, metricsUrl, seconds, adminClients, scrapers);
    }

    static void phase(String name, HttpClient http, String api, String key, String metricsUrl, int seconds,
            int adminClients, int scrapers) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<long[]> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong scrapes = new AtomicLong();
        AtomicLong scrapeBytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        for (int i = 0; i < adminClients; i++) {
            long[] latencies = new long[2_000_000];
            perClient.add(latencies);
            threads.add(Thread.ofPlatform().start(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < latencies.length - 1) {
                    long t0 = System.nanoTime();
                    int status = get(http, api + "/api/v1/flags?limit=50", key);
                    latencies[++n] = System.nanoTime() - t0;
                    if (status != 200) {
                        errors.incrementAndGet();
                    }
                }
                latencies[0] = n;
            }));
        }
        for (int i = 0; i < scrapers; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(metricsUrl))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
                        scrapes.incrementAndGet();
                        scrapeBytes.addAndGet(r.body().length);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        int total = 0;
        for (long[] l : perClient) {
            total += (int) l[0];
        }
        long[] all = new long[total];
        int k = 0;
        for (long[] l : perClient) {
            System.arraycopy(l, 1, all, k, (int) l[0]);
            k += (int) l[0];
        }
        Arrays.sort(all);
        System.out.printf("%-20s admin GET /api/v1/flags: %d requests, %.0f/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " scrapes %d (%.1f/s, %.0f KB each); errors %d%n",
                name, total, total / (double) seconds, ms(all, 0.50), ms(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, scrapes.get(), scrapes.get() / (double) seconds,
                scrapes.get() == 0 ? 0 : scrapeBytes.get() / 1024.0 / scrapes.get(), errors.get());
    }

    static double ms(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    static int get(HttpClient http, String url, String key) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
            if (key != null) {
                b.header("Authorization", "Bearer " + key);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
