import io.guidon.controlplane.ControlPlaneConfig;
import io.guidon.controlplane.ControlPlaneMain;
import io.guidon.controlplane.service.FlagOverviewService;
import io.guidon.controlplane.service.Overview;
import io.guidon.controlplane.service.OverviewQuery;
import io.guidon.controlplane.store.FlagOverviewRepository;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Times the flag list. Two modes:
 *
 * <ul>
 *   <li>{@code --tenant KEY}: calls {@code FlagOverviewService} in-process against the database of
 *       {@code GUIDON_DATABASE_URL}/{@code _USER}/{@code _PASSWORD}, on a virtual thread as the admin threads do: the
 *       server time of the read (SQL, the round trips, building the page), without HTTP and rendering.</li>
 *   <li>{@code --url TEMPLATE [--header 'Name: value']...}: times HTTP GETs of the page over loopback, each case's
 *       parameters filled into the placeholders {@code {q} {tag} {sort} {direction} {page} {pageSize}} (URL-encoded;
 *       empty when the case leaves one unset; {@code {page1}} instead of {@code {page}} counts pages from 1, as the
 *       admin UI does); a case needing a placeholder the template lacks is skipped. Any status but 200 stops the
 *       run.</li>
 * </ul>
 *
 * Every case runs once per round, {@code --warmup} rounds then {@code --reps} measured ones; the table gives the
 * median, p90, min and max per case, and the very first call of the process (a cold start of the read path).
 * Usage: java -cp target/guidon.jar FlagList.java (--tenant KEY | --url TEMPLATE [--header H]...)
 *     [--reps N] [--warmup N]
 */
public class FlagList {

    /** A case: a name and the query; the same cases for both modes. */
    record Case(String name, OverviewQuery query) {
    }

    static final List<Case> CASES = List.of(
            new Case("first page (all flags by key, 50 rows)", OverviewQuery.all()),
            new Case("search 'c' (first keystroke)", OverviewQuery.search("c")),
            new Case("search 'chec'", OverviewQuery.search("chec")),
            new Case("search 'checkout-flow'", OverviewQuery.search("checkout-flow")),
            new Case("search 'for ios' (descriptions)", OverviewQuery.search("for ios")),
            new Case("search 'team-7' (a tag)", OverviewQuery.search("team-7")),
            new Case("search '0042' (one flag)", OverviewQuery.search("0042")),
            new Case("search 'zzz' (no match)", OverviewQuery.search("zzz")),
            new Case("tag 'experiment'", new OverviewQuery(null, "experiment", null, null, null, null)),
            new Case("sort by latest change", OverviewQuery.all().sortedBy("updated", null)),
            new Case("sort by evaluations (24 h)", OverviewQuery.all().sortedBy("evaluations", null)),
            new Case("search 'pay' by evaluations", OverviewQuery.search("pay").sortedBy("evaluations", null)),
            new Case("page 50 of 100", OverviewQuery.all().onPage(49)),
            new Case("200 rows", new OverviewQuery(null, null, null, null, null, "200")));

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> opts = options(args);
        int reps = Integer.parseInt(one(opts, "--reps", "31"));
        int warmup = Integer.parseInt(one(opts, "--warmup", "10"));
        try {
            if (opts.containsKey("--url")) {
                http(one(opts, "--url", null), opts.getOrDefault("--header", List.of()), reps, warmup);
            } else {
                service(one(opts, "--tenant", "bench"), reps, warmup);
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // Vert.x's threads would keep the JVM up
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------- in-process

    static void service(String tenantKey, int reps, int warmup) throws Exception {
        ControlPlaneConfig config = ControlPlaneConfig.load(null, System.getenv(), Map.of()).config();
        Vertx vertx = Vertx.vertx();
        Pool pool = ControlPlaneMain.pool(vertx, config.database());
        long tenant = pool.preparedQuery("SELECT id FROM tenants WHERE key = $1").execute(Tuple.of(tenantKey))
                .map(rs -> rs.iterator().next().getLong(0)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        FlagOverviewService overview = new FlagOverviewService(new FlagOverviewRepository(pool), Clock.systemUTC());

        List<Timed> timed = new ArrayList<>();
        for (Case c : CASES) {
            timed.add(new Timed(c.name(), () -> {
                Overview o = overview.list(tenant, c.query());
                return o.total() + " matches, " + o.flags().size() + " rows x " + o.environments().size()
                        + " environments";
            }));
        }
        timed.add(new Timed("tags (the filter's list)", () -> overview.tags(tenant).size() + " tags"));
        System.out.println("\nin-process: FlagOverviewService.list against PostgreSQL (server time of the read)");
        run(timed, reps, warmup);
        pool.close();
        vertx.close();
    }

    // ---------------------------------------------------------------- over HTTP

    static void http(String template, List<String> headers, int reps, int warmup) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Timed> timed = new ArrayList<>();
        for (Case c : CASES) {
            String url = fill(template, c.query());
            if (url == null) {
                System.out.println("skipped (the URL has no placeholder for its parameters): " + c.name());
                continue;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
            for (String h : headers) {
                int colon = h.indexOf(':');
                b.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
            }
            HttpRequest request = b.build();
            timed.add(new Timed(c.name(), () -> {
                try {
                    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": "
                                + new String(r.body(), StandardCharsets.UTF_8));
                    }
                    return r.body().length + " bytes";
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        System.out.println("\nover HTTP (loopback): GET " + template);
        run(timed, reps, warmup);
    }

    /**
     * The template with the query's parameters filled in; null if the query sets one the template has no place for.
     * {@code {page1}} is the page counted from 1 (the admin UI's {@code page}), in place of {@code {page}}.
     */
    static String fill(String template, OverviewQuery q) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("q", q.q());
        values.put("tag", q.tag());
        values.put("sort", q.sort());
        values.put("direction", q.direction());
        String url = template;
        if (template.contains("{page1}")) {
            url = url.replace("{page1}", q.page() == null ? "" : Integer.toString(Integer.parseInt(q.page()) + 1));
        } else {
            values.put("page", q.page());
        }
        values.put("pageSize", q.pageSize());
        for (Map.Entry<String, String> e : values.entrySet()) {
            String placeholder = "{" + e.getKey() + "}";
            if (e.getValue() != null && !url.contains(placeholder)) {
                return null;
            }
            url = url.replace(placeholder, e.getValue() == null ? ""
                    : URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return url;
    }

    // ---------------------------------------------------------------- timing

    /** A case to time: what it does, and what it returns to describe its result. */
    record Timed(String name, Supplier<String> call) {
    }

    static void run(List<Timed> cases, int reps, int warmup) {
        long[][] nanos = new long[cases.size()][reps];
        String[] results = new String[cases.size()];
        long first = onVirtualThread(cases.get(0).call()).nanos;
        for (int round = 0; round < warmup + reps; round++) {
            for (int i = 0; i < cases.size(); i++) {
                Result r = onVirtualThread(cases.get(i).call());
                if (round >= warmup) {
                    nanos[i][round - warmup] = r.nanos;
                }
                results[i] = r.value;
            }
        }
        System.out.printf("first call of the process (%s): %.1f ms%n", cases.get(0).name(), first / 1e6);
        System.out.printf("%d rounds after %d warm-up rounds%n%n", reps, warmup);
        System.out.println("| case | result | median | p90 | min | max |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (int i = 0; i < cases.size(); i++) {
            long[] n = nanos[i];
            Arrays.sort(n);
            System.out.printf("| %s | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", cases.get(i).name(), results[i],
                    n[n.length / 2] / 1e6, n[(int) Math.ceil(n.length * 0.9) - 1] / 1e6, n[0] / 1e6,
                    n[n.length - 1] / 1e6);
        }
    }

    record Result(long nanos, String value) {
    }

    /** Runs {@code call} on a new virtual thread (where the service's awaits belong) and times it there. */
    static Result onVirtualThread(Supplier<String> call) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                String value = call.get();
                return new Result(System.nanoTime() - start, value);
            }, r -> Thread.ofVirtual().start(r)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[i + 1]);
        }
        return opts;
    }

    static String one(Map<String, List<String>> opts, String name, String fallback) {
        List<String> v = opts.get(name);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            return fallback;
        }
        return v.get(v.size() - 1);
    }
}
