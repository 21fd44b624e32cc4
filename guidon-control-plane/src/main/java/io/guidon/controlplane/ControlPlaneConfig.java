package io.guidon.controlplane;

import io.guidon.common.config.Settings;
import io.guidon.common.ops.Management;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The control plane's configuration, bound once from {@link Settings} (defaults in {@code config/control-plane.yaml})
 * and validated before anything starts. Immutable; passed to the parts that need it.
 */
public record ControlPlaneConfig(Http http, Database database, Redis redis, Api api, Auth auth, RateLimit rateLimit,
        Sidecar sidecar, Events events, Management management, Ui ui, Schedules schedules, Rollouts rollouts,
        Experiments experiments, Webhooks webhooks, Kafka kafka, Export export) {

    public static final String DEFAULTS = "config/control-plane.yaml";

    /**
     * {@code shutdownTimeout} is the setting {@code shutdown.grace-period} (formerly {@code http.shutdown-timeout}),
     * named as the sidecar names it. {@code trustedProxies}: whose {@code X-Forwarded-For} names the client (for
     * per-address limits and logs).
     */
    public record Http(String host, int port, long maxBodySize, Duration idleTimeout, Duration requestTimeout,
            int eventLoops, Duration shutdownTimeout, TrustedProxies trustedProxies) {
    }

    /** {@code host}, {@code port} and {@code name} come from the URL; user and password may override it. */
    public record Database(String host, int port, String name, String user, String password, int poolSize,
            int maxWaitQueue, Duration idleTimeout, Duration maxLifetime, Duration connectionTimeout,
            Duration statementTimeout, boolean migrateAtStart) {

        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        @Override
        public String toString() {
            return "Database[" + host + ":" + port + "/" + name + " as " + user + "]";
        }
    }

    public record Redis(String url, String prefix, Duration commandTimeout, int publishRetries,
            Duration publishBackoff) {
        @Override
        public String toString() {
            return "Redis[" + Settings.mask("redis.url", url) + ", prefix " + prefix + "]";
        }
    }

    public record Api(int defaultPageSize, int maxPageSize) {
    }

    /**
     * The admin UI ({@code ui.*}): whether it is served, and when its sessions end (idle, and absolutely after
     * sign-in).
     */
    public record Ui(boolean enabled, Duration sessionIdleTimeout, Duration sessionMaxAge) {
    }

    /**
     * Scheduled changes ({@code schedules.*}): how long each replica's runner waits between looking for due ones,
     * and how long after its due time an applied one is marked late.
     */
    public record Schedules(Duration pollInterval, Duration lateAfter) {
    }

    /**
     * Progressive rollout plans ({@code rollouts.*}, docs/adr/0116-progressive-rollouts.md): how often each running
     * plan is checked, and the p-value of the sample-ratio-mismatch test below which a plan is paused.
     */
    public record Rollouts(Duration checkInterval, double srmThreshold) {
    }

    /**
     * Experiment results ({@code experiments.*}, docs/adr/0119-experiment-results.md): how long a computed snapshot
     * of an experiment's sums answers requests, and how often each replica looks for snapshots to compute (running
     * experiments' current ones past half that age, completed days' ones).
     */
    public record Experiments(Duration resultsMaxAge, Duration refreshInterval) {
    }

    /**
     * Webhooks ({@code webhooks.*}, docs/webhooks.md, docs/adr/0120-webhooks.md): whether this replica delivers,
     * how often it looks for due deliveries and how many it claims at once, how many requests it has in flight in
     * all and per endpoint, an attempt's default timeout, a claim's lease, the retry schedule (exponential backoff
     * with full jitter from {@code retryInitialDelay} to {@code retryMaxDelay}, given up {@code giveUpAfter} after
     * the delivery was made), the circuit breaker (opened after {@code circuitFailureThreshold} failures in a row
     * for {@code circuitOpenFor}, doubling to {@code circuitMaxOpen}), how long a subscription fails before it is
     * disabled, a rotation's default overlap, the addresses allowed despite the SSRF guard (CIDR ranges), and how
     * long finished deliveries (delivered, or failed for good) and their attempts are kept ({@code retention}).
     */
    public record Webhooks(boolean deliver, Duration pollInterval, int batchSize, int maxInFlight,
            int maxInFlightPerEndpoint, Duration timeout, Duration lease, Duration retryInitialDelay,
            Duration retryMaxDelay, Duration giveUpAfter, int circuitFailureThreshold, Duration circuitOpenFor,
            Duration circuitMaxOpen, Duration autoDisableAfter, Duration secretOverlap,
            java.util.List<String> allowedAddresses, Duration retention) {
    }

    public record Auth(Duration cacheTtl, Duration lastUsedFlushInterval) {
    }

    public record RateLimit(boolean enabled, Duration window, int perKey, int perAddress, Duration redisRetryAfter) {
    }

    /**
     * {@code sightingsFlushInterval}, {@code sightingsMaxPending} and {@code sightingsRetention}: how the fetches of
     * sidecar instances are noted (see {@code snapshots.SightingBuffer}).
     */
    public record Sidecar(int changeLogRetention, Duration maxStaleness, Duration sightingsFlushInterval,
            int sightingsMaxPending, Duration sightingsRetention) {
    }

    /** Event batches from sidecars and their retention; see {@code config/control-plane.yaml}. */
    public record Events(long maxBodySize, long maxDecompressedSize, int maxBatchEvents, Duration maxEventAge,
            Duration maxClockSkew, int partitionsAhead, int retentionMonths, int totalsRetentionMonths,
            int totalsStripes, Duration maintenanceInterval, int maxQueryDays) {
    }

    /**
     * The Kafka sink (ADR 0122). {@code bootstrapServers} is empty when disabled; {@code properties} are the extra
     * producer settings of {@code kafka.properties-file} (none of those the sink's guarantees rest on).
     */
    public record Kafka(boolean enabled, java.util.List<String> bootstrapServers, String countsTopic,
            String exposuresTopic, String conversionsTopic, String clientId, Duration deliveryTimeout,
            Duration requestTimeout, Duration maxBlock, Duration linger, String compression, int batchesPerRound,
            Duration pollInterval, Map<String, String> properties) {
        public Kafka {
            bootstrapServers = java.util.List.copyOf(bootstrapServers);
            properties = Map.copyOf(properties);
        }
    }

    /** The export API's pages: rows when not asked, the most that may be asked, rows per fetch from PostgreSQL. */
    public record Export(int defaultPageRows, int maxPageRows, int fetchRows) {
    }

    /** Producer settings the sink sets itself and a {@code kafka.properties-file} may not change. */
    public static final java.util.Set<String> KAFKA_FIXED = java.util.Set.of("acks", "enable.idempotence",
            "max.in.flight.requests.per.connection", "retries", "key.serializer", "value.serializer",
            "bootstrap.servers", "client.id", "delivery.timeout.ms", "request.timeout.ms", "max.block.ms", "linger.ms",
            "compression.type", "transactional.id", "partitioner.class");

    /** Loads the layers and binds them; throws {@link io.guidon.common.config.ConfigException} with every problem. */
    public static Loaded load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Settings s = Settings.load(DEFAULTS, file, env, overrides);
        ControlPlaneConfig config = from(s);
        s.validate();
        return new Loaded(config, s);
    }

    /** A bound configuration and the settings it came from (for {@link Settings#describe()}). */
    public record Loaded(ControlPlaneConfig config, Settings settings) {
    }

    static ControlPlaneConfig from(Settings s) {
        Http http = new Http(s.requiredString("http.host"), s.port("http.port"),
                s.bytes("http.max-body-size", 1024, 64L * 1024 * 1024),
                s.duration("http.idle-timeout", Duration.ofSeconds(1)),
                s.duration("http.request-timeout", Duration.ofMillis(100)),
                s.integer("http.event-loops", 0, 256),
                s.duration("shutdown.grace-period", Duration.ZERO), trustedProxies(s));

        URI url = s.uri("database.url", "postgresql", "postgres");
        String host = "127.0.0.1";
        int port = 5432;
        String name = "guidon";
        String urlUser = null;
        String urlPassword = null;
        if (url == null) {
            s.problem("database.url", "required: postgresql://host:port/database");
        } else {
            host = url.getHost();
            port = url.getPort() < 0 ? 5432 : url.getPort();
            String path = url.getPath() == null ? "" : url.getPath().replaceFirst("^/", "");
            if (path.isEmpty() || path.contains("/")) {
                s.problem("database.url", "must name the database: postgresql://host:port/database");
            } else {
                name = path;
            }
            if (url.getUserInfo() != null) {
                String[] parts = url.getUserInfo().split(":", 2);
                urlUser = parts[0];
                urlPassword = parts.length > 1 ? parts[1] : null;
            }
        }
        String user = s.string("database.user");
        String password = s.string("database.password");
        if (user == null || user.isBlank()) {
            user = urlUser;
        }
        if (password == null || password.isEmpty()) {
            password = urlPassword == null ? "" : urlPassword;
        }
        if (user == null || user.isBlank()) {
            s.problem("database.user", "required (or a user in database.url)");
            user = "";
        }
        int poolSize = s.integer("database.pool-size", 1, 1000);
        Database database = new Database(host, port, name, user, password, poolSize,
                s.integer("database.max-wait-queue", 0, 1_000_000),
                s.duration("database.idle-timeout", Duration.ofSeconds(1)),
                s.duration("database.max-lifetime", Duration.ZERO),
                s.duration("database.connection-timeout", Duration.ofMillis(100)),
                s.duration("database.statement-timeout", Duration.ofMillis(100)),
                s.bool("database.migrate-at-start"));

        URI redisUrl = s.uri("redis.url", "redis", "rediss");
        if (redisUrl == null) {
            s.problem("redis.url", "required: redis://host:port");
        }
        String prefix = s.requiredString("redis.prefix");
        if (!prefix.matches("[A-Za-z0-9._-]{1,64}")) {
            s.problem("redis.prefix", "must be 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-' (it starts every channel name)");
        }
        Redis redis = new Redis(redisUrl == null ? "" : redisUrl.toString(), prefix,
                s.duration("redis.command-timeout", Duration.ofMillis(10)),
                s.integer("redis.publish-retries", 0, 100),
                s.duration("redis.publish-backoff", Duration.ofMillis(1)));

        int defaultPage = s.integer("api.default-page-size", 1, 10_000);
        int maxPage = s.integer("api.max-page-size", 1, 10_000);
        if (defaultPage > maxPage) {
            s.problem("api.default-page-size", "must not exceed api.max-page-size (" + maxPage + ")");
        }
        Api api = new Api(defaultPage, maxPage);
        Auth auth = new Auth(s.duration("auth.cache-ttl", Duration.ZERO),
                s.duration("auth.last-used-flush-interval", Duration.ofMillis(10)));
        RateLimit rateLimit = new RateLimit(s.bool("rate-limit.enabled"),
                s.duration("rate-limit.window", Duration.ofSeconds(1)),
                s.integer("rate-limit.per-key", 1, Integer.MAX_VALUE),
                s.integer("rate-limit.per-address", 1, Integer.MAX_VALUE),
                s.duration("rate-limit.redis-retry-after", Duration.ofMillis(10)));
        Sidecar sidecar = new Sidecar(s.integer("sidecar.change-log-retention", 1, 10_000_000),
                s.duration("sidecar.max-staleness", Duration.ofMillis(10)),
                s.duration("sidecar.sightings-flush-interval", Duration.ofMillis(10)),
                s.integer("sidecar.sightings-max-pending", 1, 10_000_000),
                s.duration("sidecar.sightings-retention", Duration.ofMinutes(1)));
        Duration idle = s.duration("ui.session-idle-timeout", Duration.ofMinutes(1));
        Duration maxAge = s.duration("ui.session-max-age", Duration.ofMinutes(1));
        if (maxAge.compareTo(idle) < 0) {
            s.problem("ui.session-max-age", "must not be shorter than ui.session-idle-timeout (" + idle + ")");
        }
        Ui ui = new Ui(s.bool("ui.enabled"), idle, maxAge);
        Schedules schedules = new Schedules(s.duration("schedules.poll-interval", Duration.ofMillis(10)),
                s.duration("schedules.late-after", Duration.ZERO));
        return new ControlPlaneConfig(http, database, redis, api, auth, rateLimit, sidecar, events(s),
                Management.from(s, http.host(), http.port()), ui, schedules, rollouts(s),
                new Experiments(s.duration("experiments.results-max-age", Duration.ofSeconds(1)),
                        s.duration("experiments.refresh-interval", Duration.ofMillis(10))), webhooks(s), kafka(s), export(s));
    }

    private static Webhooks webhooks(Settings s) {
        Duration timeout = s.duration("webhooks.timeout", Duration.ofSeconds(1));
        if (timeout.compareTo(Duration.ofSeconds(30)) > 0 || timeout.getNano() != 0) {
            s.problem("webhooks.timeout", "must be whole seconds from 1s to 30s (a subscription's own is too)");
        }
        Duration lease = s.duration("webhooks.lease", Duration.ofSeconds(1));
        if (lease.compareTo(Duration.ofSeconds(45)) < 0) {
            s.problem("webhooks.lease", "must be at least 45s: longer than the longest attempt (30s) with room to"
                    + " record it, or another replica would send the delivery again while it is in flight");
        }
        Duration initial = s.duration("webhooks.retry-initial-delay", Duration.ofMillis(10));
        Duration max = s.duration("webhooks.retry-max-delay", Duration.ofMillis(10));
        if (max.compareTo(initial) < 0) {
            s.problem("webhooks.retry-max-delay", "must not be shorter than webhooks.retry-initial-delay ("
                    + initial + ")");
        }
        Duration openFor = s.duration("webhooks.circuit-open-for", Duration.ofMillis(10));
        Duration maxOpen = s.duration("webhooks.circuit-max-open", Duration.ofMillis(10));
        if (maxOpen.compareTo(openFor) < 0) {
            s.problem("webhooks.circuit-max-open", "must not be shorter than webhooks.circuit-open-for ("
                    + openFor + ")");
        }
        Duration overlap = s.duration("webhooks.secret-overlap", Duration.ZERO);
        if (overlap.compareTo(Duration.ofDays(7)) > 0) {
            s.problem("webhooks.secret-overlap", "must be at most 7d");
        }
        java.util.List<String> allowed = s.strings("webhooks.allowed-addresses");
        try {
            TrustedProxies.of(allowed);
        } catch (IllegalArgumentException e) {
            s.problem("webhooks.allowed-addresses", e.getMessage());
        }
        int perEndpoint = s.integer("webhooks.max-in-flight-per-endpoint", 1, 1000);
        int inFlight = s.integer("webhooks.max-in-flight", 1, 100_000);
        if (perEndpoint > inFlight) {
            s.problem("webhooks.max-in-flight-per-endpoint", "must not exceed webhooks.max-in-flight (" + inFlight
                    + ")");
        }
        // The delivery log is what an operator reads after an incident: an hour at least.
        Duration retention = s.duration("webhooks.retention", Duration.ofHours(1));
        return new Webhooks(s.bool("webhooks.deliver"), s.duration("webhooks.poll-interval", Duration.ofMillis(10)),
                s.integer("webhooks.batch-size", 1, 10_000), inFlight, perEndpoint, timeout, lease, initial, max,
                s.duration("webhooks.give-up-after", Duration.ZERO),
                s.integer("webhooks.circuit-failure-threshold", 1, 1000), openFor, maxOpen,
                s.duration("webhooks.auto-disable-after", Duration.ofSeconds(1)), overlap, allowed, retention);
    }

    private static Kafka kafka(Settings s) {
        boolean enabled = s.bool("kafka.enabled");
        java.util.List<String> servers = s.strings("kafka.bootstrap-servers");
        if (enabled && servers.isEmpty()) {
            s.problem("kafka.bootstrap-servers", "required when kafka.enabled is true: host:port of a broker");
        }
        for (String server : servers) {
            if (!server.matches("[^\\s:/]+:[0-9]{1,5}") && !server.matches("\\[[0-9a-fA-F:.]+\\]:[0-9]{1,5}")) {
                s.problem("kafka.bootstrap-servers", "'" + server + "' is not host:port");
            }
        }
        String[] topics = {"kafka.counts-topic", "kafka.exposures-topic", "kafka.conversions-topic"};
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String key : topics) {
            String topic = s.string(key);
            // Kafka's own rule for topic names (org.apache.kafka.common.internals.Topic).
            if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
                s.problem(key, "must be a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -, not '" + topic + "'");
            } else if (!seen.add(topic)) {
                s.problem(key, "'" + topic + "' is already the topic of another kind of event");
            }
        }
        Duration delivery = s.duration("kafka.delivery-timeout", Duration.ofSeconds(1));
        Duration request = s.duration("kafka.request-timeout", Duration.ofMillis(100));
        Duration linger = s.duration("kafka.linger", Duration.ZERO);
        if (request.plus(linger).compareTo(delivery) > 0) {
            s.problem("kafka.request-timeout", "must be at most kafka.delivery-timeout (" + delivery
                    + ") less kafka.linger (" + linger + ")");
        }
        String compression = s.string("kafka.compression");
        if (!java.util.List.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
            s.problem("kafka.compression", "must be none, gzip, snappy, lz4 or zstd, not '" + compression + "'");
        }
        Map<String, String> properties = new java.util.TreeMap<>();
        Path file = s.path("kafka.properties-file");
        if (file != null) {
            java.util.Properties p = new java.util.Properties();
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file)) {
                p.load(r);
                for (String name : p.stringPropertyNames()) {
                    if (KAFKA_FIXED.contains(name)) {
                        s.problem("kafka.properties-file", file + " sets " + name + ", which the sink sets itself"
                                + " (its guarantees rest on it, or it has a setting of its own)");
                    } else {
                        properties.put(name, p.getProperty(name));
                    }
                }
            } catch (java.io.IOException | IllegalArgumentException e) {
                s.problem("kafka.properties-file", "cannot read " + file + ": " + e.getMessage());
            }
        }
        return new Kafka(enabled, servers, s.string("kafka.counts-topic"), s.string("kafka.exposures-topic"),
                s.string("kafka.conversions-topic"), s.requiredString("kafka.client-id"), delivery, request,
                s.duration("kafka.max-block", Duration.ofMillis(100)), linger, compression,
                s.integer("kafka.batches-per-round", 1, 10_000), s.duration("kafka.poll-interval", Duration.ofMillis(1)),
                properties);
    }

    private static Export export(Settings s) {
        int max = s.integer("export.max-page-rows", 1, 1_000_000_000);
        int def = s.integer("export.default-page-rows", 1, 1_000_000_000);
        if (def > max) {
            s.problem("export.default-page-rows", "must be at most export.max-page-rows (" + max + ")");
        }
        return new Export(def, max, s.integer("export.fetch-rows", 1, 100_000));
    }

    private static Rollouts rollouts(Settings s) {
        Duration every = s.duration("rollouts.check-interval", Duration.ofMillis(10));
        String text = s.string("rollouts.srm-threshold");
        double threshold = 0.001;
        try {
            threshold = Double.parseDouble(text == null ? "" : text.strip());
            if (!(threshold > 0 && threshold < 1)) {
                s.problem("rollouts.srm-threshold", "must be a p-value above 0 and below 1, such as 0.001, not "
                        + text);
            }
        } catch (NumberFormatException e) {
            s.problem("rollouts.srm-threshold", "must be a p-value above 0 and below 1, such as 0.001, not " + text);
        }
        return new Rollouts(every, threshold);
    }

    private static TrustedProxies trustedProxies(Settings s) {
        try {
            return TrustedProxies.of(s.strings("http.trusted-proxies"));
        } catch (IllegalArgumentException e) {
            s.problem("http.trusted-proxies", e.getMessage());
            return TrustedProxies.none();
        }
    }

    private static Events events(Settings s) {
        long maxBody = s.bytes("events.max-body-size", 1024, 1024L * 1024 * 1024);
        long maxDecompressed = s.bytes("events.max-decompressed-size", 1024, 1024L * 1024 * 1024);
        if (maxDecompressed < maxBody) {
            s.problem("events.max-decompressed-size", "must be at least events.max-body-size (" + maxBody
                    + " bytes): an uncompressed batch is as large as its body");
        }
        int retention = s.integer("events.retention-months", 1, 1200);
        int totalsRetention = s.integer("events.totals-retention-months", 0, 1200);
        if (totalsRetention != 0 && totalsRetention < retention) {
            s.problem("events.totals-retention-months", "must be 0 (keep) or at least events.retention-months ("
                    + retention + "): the totals outlive the raw events");
        }
        Duration maxAge = s.duration("events.max-event-age", Duration.ofMinutes(1));
        if (maxAge.compareTo(Duration.ofDays(28L * retention)) > 0) {
            s.problem("events.max-event-age", "must be at most events.retention-months x 28 days ("
                    + 28L * retention + "d): an event that is accepted must have a partition that is kept");
        }
        Duration skew = s.duration("events.max-clock-skew", Duration.ZERO);
        if (skew.compareTo(Duration.ofDays(7)) > 0) {
            s.problem("events.max-clock-skew", "must be at most 7d");
        }
        return new Events(maxBody, maxDecompressed, s.integer("events.max-batch-events", 1, 10_000_000), maxAge, skew,
                s.integer("events.partitions-ahead", 1, 120), retention, totalsRetention,
                s.integer("events.totals-stripes", 1, 256),
                s.duration("events.maintenance-interval", Duration.ofMillis(10)),
                s.integer("events.max-query-days", 1, 100_000));
    }
}
