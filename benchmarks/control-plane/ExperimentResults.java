import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times an experiment's results over real HTTP (GET /api/v1/experiments/{id}/results): the very first request (no
 * snapshot yet: the sums are computed in PostgreSQL on it), then {@code --reps} requests with {@code ?refresh=true}
 * (each recomputes the snapshot: what a first request costs), then {@code 5 × --reps} plain requests (the snapshot
 * reused: what every later request within experiments.results-max-age costs). Medians, p90, min and max; for the
 * computations also the database's share (the snapshot's durationMs). Any status but 200 stops the run.
 * Usage: java ExperimentResults.java --url http://127.0.0.1:18181 --key gdn_... --experiment 1 [--reps 5]
 */
public class ExperimentResults {

    private static final Pattern DURATION = Pattern.compile("\"durationMs\":(\\d+)");

    public static void main(String[] args) throws Exception {
        String url = arg(args, "--url", null);
        String key = arg(args, "--key", null);
        String id = arg(args, "--experiment", "1");
        int reps = Integer.parseInt(arg(args, "--reps", "5"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String results = url + "/api/v1/experiments/" + id + "/results";

        long[] first = time(client, results, key);
        System.out.printf("first request (computes the snapshot): %d ms (database %d ms)%n", first[0], first[1]);
        List<Long> refresh = new ArrayList<>();
        List<Long> database = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long[] t = time(client, results + "?refresh=true", key);
            refresh.add(t[0]);
            database.add(t[1]);
        }
        System.out.println(line("recomputed (?refresh=true), " + reps + " runs", refresh));
        System.out.println(line("  of which the analysis statement (durationMs)", database));
        List<Long> cached = new ArrayList<>();
        for (int i = 0; i < 5 * reps; i++) {
            cached.add(time(client, results, key)[0]);
        }
        System.out.println(line("later requests (snapshot reused), " + 5 * reps + " runs", cached));
    }

    /** The wall time of one GET in ms, and the snapshot's durationMs. */
    private static long[] time(HttpClient client, String url, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + key).GET().build();
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " -> " + r.statusCode() + ": " + r.body());
        }
        Matcher m = DURATION.matcher(r.body());
        return new long[] {ms, m.find() ? Long.parseLong(m.group(1)) : -1};
    }

    private static String line(String what, List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format("%s: median %d ms, p90 %d ms, min %d ms, max %d ms", what, s.get(s.size() / 2),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.9) - 1)), s.get(0), s.get(s.size() - 1));
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (fallback == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return fallback;
    }
}
