package io.guidon.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings in layers, each overriding the one before: the documented defaults (a YAML file shipped in the jar,
 * the same as {@code config/*.yaml}), the user's YAML file, {@code GUIDON_*} environment variables, and
 * command-line options. Keys are dotted paths ({@code http.max-body-size}); the environment variable of a key is
 * {@code GUIDON_} and the key in upper case with dots and dashes as underscores ({@code GUIDON_HTTP_MAX_BODY_SIZE}).
 *
 * <p>Precedence, lowest to highest, the same for every key: defaults, {@code --config} file, environment, then the
 * {@code overrides} map (the command line: a command puts {@code --set KEY=VALUE} in first and its dedicated options,
 * such as {@code --port}, over them). A key that was renamed ({@link #RENAMED}) is still accepted under its old name
 * in every layer, as the new key, with a deprecation warning ({@link #warnings()}); the new name wins when a layer
 * gives both.
 *
 * <p>Only keys the defaults declare exist: an unknown key in a file or an override is an error. Typed getters
 * record problems instead of throwing, so that {@link #validate()} can report every problem at once; servers
 * bind settings into immutable records once at start and never read them ad hoc.
 */
public final class Settings {

    public enum Source { DEFAULT, FILE, ENV, CLI }

    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|token|key|headers)$");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@]*:)([^@/]+)(@)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)",
            Pattern.CASE_INSENSITIVE);

    /**
     * Old setting names and the names that replaced them, for both servers (one name per concept across the
     * sidecar and the control plane). An old name is honoured only where the defaults declare its new name.
     */
    public static final Map<String, String> RENAMED = Map.of(
            "redis.channel-prefix", "redis.prefix",
            "http.instances", "http.event-loops",
            "http.shutdown-timeout", "shutdown.grace-period");

    private final Map<String, JsonNode> values = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private Settings() {
    }

    /**
     * Loads the layers. {@code defaultsResource} is a classpath YAML resource; {@code file} may be null; {@code env}
     * is usually {@code System.getenv()}; {@code overrides} maps keys to values given on the command line.
     */
    public static Settings load(String defaultsResource, Path file, Map<String, String> env,
            Map<String, String> overrides) {
        Settings s = new Settings();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (InputStream in = Settings.class.getClassLoader().getResourceAsStream(defaultsResource)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in defaults " + defaultsResource);
            }
            s.flatten("", yaml.readTree(in), Source.DEFAULT, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in defaults " + defaultsResource, e);
        }
        if (file != null) {
            try {
                JsonNode tree = yaml.readTree(Files.readAllBytes(file));
                if (tree != null && !tree.isMissingNode() && !tree.isNull()) {
                    if (!tree.isObject()) {
                        s.problems.add(file + ": must be a YAML mapping of settings");
                    } else {
                        s.flatten("", tree, Source.FILE, file.toString());
                    }
                }
            } catch (IOException e) {
                s.problems.add(file + ": cannot read: " + e.getMessage());
            }
        }
        Map<String, String> envNames = new LinkedHashMap<>();
        for (String key : s.values.keySet()) {
            envNames.put(envName(key), key);
        }
        Map<String, String> oldEnvNames = new LinkedHashMap<>();
        for (Map.Entry<String, String> r : RENAMED.entrySet()) {
            if (s.values.containsKey(r.getValue())) {
                oldEnvNames.put(envName(r.getKey()), r.getKey());
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String key = envNames.get(e.getKey());
            String old = oldEnvNames.get(e.getKey());
            if (key != null) {
                s.set(key, e.getValue(), Source.ENV);
            } else if (old != null) {
                String now = RENAMED.get(old);
                s.deprecated(old, now, "as " + e.getKey());
                if (s.sources.get(now) != Source.ENV) {
                    s.set(now, e.getValue(), Source.ENV);
                }
            }
        }
        s.unknownEnvironment(env, envNames, oldEnvNames);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (e.getValue() == null) {
                continue; // an option that was not given
            }
            String now = s.renamedTo(e.getKey());
            if (now != null) {
                s.deprecated(e.getKey(), now, "on the command line");
                if (s.sources.get(now) != Source.CLI) {
                    s.set(now, e.getValue(), Source.CLI);
                }
            } else if (!s.values.containsKey(e.getKey())) {
                s.problems.add(e.getKey() + ": unknown setting (given on the command line)");
            } else {
                s.set(e.getKey(), e.getValue(), Source.CLI);
            }
        }
        return s;
    }

    /**
     * {@code GUIDON_*} variables that name no setting of either server and are not {@link #NOT_SETTINGS}: a typo
     * ({@code GUIDON_HTTP_PROT}) that would otherwise be ignored silently, while the same typo in a file or
     * {@code --set} exits 2. Warned once each (a warning, not an error: a variable of the other server, or of a
     * newer version, in a shared environment must not stop a server), with the closest setting of this server.
     */
    private void unknownEnvironment(Map<String, String> env, Map<String, String> envNames,
            Map<String, String> oldEnvNames) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(env.keySet());
        for (String name : names) {
            if (!name.startsWith("GUIDON_") || envNames.containsKey(name) || oldEnvNames.containsKey(name)
                    || NOT_SETTINGS.contains(name) || name.startsWith("GUIDON_TEST_")
                    || EveryServer.ENV_NAMES.contains(name)) {
                continue;
            }
            String closest = null;
            int best = Integer.MAX_VALUE;
            for (Map.Entry<String, String> known : envNames.entrySet()) {
                int d = distance(name, known.getKey());
                if (d < best) {
                    best = d;
                    closest = known.getKey();
                }
            }
            // A misspelt old name (GUIDON_REDIS_CHANNEL_PREFX) is nearest to the old name: suggest the new one.
            for (Map.Entry<String, String> renamed : oldEnvNames.entrySet()) {
                int d = distance(name, renamed.getKey());
                if (d < best) {
                    best = d;
                    closest = envName(RENAMED.get(renamed.getValue()));
                }
            }
            String w = "environment variable " + name + " names no setting and is ignored"
                    + (closest != null && best <= Math.max(3, name.length() / 4)
                            ? "; did you mean " + closest + " (" + envNames.get(closest) + ")?"
                            : "; see config/*.yaml for the settings (key upper-cased, dots and dashes as underscores)");
            if (!warnings.contains(w)) {
                warnings.add(w);
            }
        }
    }

    /**
     * {@code GUIDON_*} variables that are not settings: the launcher's ({@code GUIDON_JAVA_OPTS},
     * {@code GUIDON_JVM_DIR}), the log level logback reads ({@code GUIDON_LOG_LEVEL}), and what the README's and the
     * demo's examples export for curl ({@code GUIDON_KEY}, {@code GUIDON_URL}); and every {@code GUIDON_TEST_*}.
     */
    public static final java.util.Set<String> NOT_SETTINGS = java.util.Set.of("GUIDON_JAVA_OPTS", "GUIDON_JVM_DIR",
            "GUIDON_LOG_LEVEL", "GUIDON_KEY", "GUIDON_URL");

    /** The environment names of every setting of both servers, old names included. */
    private static final class EveryServer {
        static final java.util.Set<String> ENV_NAMES = load();

        private static java.util.Set<String> load() {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (String resource : new String[] {"config/sidecar.yaml", "config/control-plane.yaml"}) {
                if (Settings.class.getClassLoader().getResource(resource) == null) {
                    continue;
                }
                for (String key : Settings.load(resource, null, Map.of(), Map.of()).values.keySet()) {
                    names.add(envName(key));
                }
            }
            for (String old : RENAMED.keySet()) {
                names.add(envName(old));
            }
            return java.util.Set.copyOf(names);
        }
    }

    /** Levenshtein distance, for the closest setting to a misspelt name (short names, a few dozen settings). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    public static String envName(String key) {
        return "GUIDON_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private void flatten(String prefix, JsonNode node, Source source, String file) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject() && (source == Source.DEFAULT || isSection(key))) {
                flatten(key, v, source, file);
            } else if (source != Source.DEFAULT && renamedTo(key) != null) {
                String now = renamedTo(key);
                deprecated(key, now, "in " + file);
                if (sources.get(now) != source) {
                    values.put(now, v);
                    sources.put(now, source);
                }
            } else if (source != Source.DEFAULT && !values.containsKey(key)) {
                problems.add(key + ": unknown setting (in " + file + ")");
            } else {
                values.put(key, v);
                sources.put(key, source);
            }
        }
    }

    /** The new name of {@code key} when it is a renamed key of these settings, else null. */
    private String renamedTo(String key) {
        String now = RENAMED.get(key);
        return now != null && !values.containsKey(key) && values.containsKey(now) ? now : null;
    }

    private void deprecated(String old, String now, String where) {
        String w = "setting " + old + " is deprecated (given " + where + "): use " + now + " (" + envName(now) + ")";
        if (!warnings.contains(w)) {
            warnings.add(w);
        }
    }

    /** Deprecation warnings (an old setting name was used); servers log each once at start. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private boolean isSection(String prefix) {
        String p = prefix + ".";
        for (String k : values.keySet()) {
            if (k.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private void set(String key, String text, Source source) {
        values.put(key, com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
        sources.put(key, source);
    }

    /** Whether the defaults declare {@code key} (for settings that only one server has). */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    // ---- typed getters; each records a problem and returns a harmless value when the setting is invalid

    public String string(String key) {
        JsonNode v = node(key);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    /** A string that must not be empty. */
    public String requiredString(String key) {
        String v = string(key);
        if (v == null || v.isBlank()) {
            problem(key, "required");
            return "";
        }
        return v;
    }

    public boolean bool(String key) {
        String v = string(key);
        if ("true".equalsIgnoreCase(v)) {
            return true;
        }
        if (!"false".equalsIgnoreCase(v)) {
            problem(key, "must be true or false, not '" + v + "'");
        }
        return false;
    }

    public int integer(String key, int min, int max) {
        String v = string(key);
        try {
            int i = Integer.parseInt(v == null ? "" : v.trim());
            if (i < min || i > max) {
                problem(key, "must be from " + min + " to " + max + ", not " + i);
                return min;
            }
            return i;
        } catch (NumberFormatException e) {
            problem(key, "must be a whole number from " + min + " to " + max + ", not '" + v + "'");
            return min;
        }
    }

    public int port(String key) {
        return integer(key, 0, 65535);
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT30S}). */
    public Duration duration(String key, Duration min) {
        String v = string(key);
        Duration d = parseDuration(v);
        if (d == null) {
            problem(key, "must be a duration such as 500ms, 30s, 5m or PT30S, not '" + v + "'");
            return min;
        }
        if (d.compareTo(min) < 0) {
            problem(key, "must be at least " + min.toMillis() + "ms, not " + v);
            return min;
        }
        return d;
    }

    static Duration parseDuration(String v) {
        if (v == null) {
            return null;
        }
        String t = v.trim();
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A size in bytes: {@code 65536}, {@code 64KiB}, {@code 1MiB} (KB and KiB both mean 1024). */
    public long bytes(String key, long min, long max) {
        String v = string(key);
        Matcher m = v == null ? null : BYTES.matcher(v.trim());
        if (m == null || !m.matches()) {
            problem(key, "must be a size such as 65536, 64KiB or 1MiB, not '" + v + "'");
            return min;
        }
        long n = Long.parseLong(m.group(1));
        long size = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k", "kb", "kib" -> n * 1024;
            case "m", "mb", "mib" -> n * 1024 * 1024;
            case "g", "gb", "gib" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
        if (size < min || size > max) {
            problem(key, "must be from " + min + " to " + max + " bytes, not " + v);
            return min;
        }
        return size;
    }

    /** A URI with a scheme, or null when the setting is empty. */
    public URI uri(String key, String... schemes) {
        String v = string(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(v.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                problem(key, "must be a URL such as " + schemes[0] + "://host:port, not '" + mask(key, v) + "'");
                return null;
            }
            for (String scheme : schemes) {
                if (scheme.equalsIgnoreCase(uri.getScheme())) {
                    return uri;
                }
            }
            problem(key, "must be a " + String.join(" or ", schemes) + " URL, not '" + mask(key, v) + "'");
            return null;
        } catch (java.net.URISyntaxException e) {
            problem(key, "is not a valid URL: " + e.getReason());
            return null;
        }
    }

    /**
     * A list of strings: a YAML sequence in a file, or one comma-separated value from the environment or the
     * command line ({@code 10.0.0.0/8,fd00::/8}). Blank items are dropped; an empty value is an empty list.
     */
    public List<String> strings(String key) {
        JsonNode v = node(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            for (JsonNode item : v) {
                if (!item.isValueNode() || item.isNull()) {
                    problem(key, "must be a list of plain values, not " + v);
                    return new ArrayList<>();
                }
                addItem(out, item.asText());
            }
            return out;
        }
        if (!v.isValueNode()) {
            problem(key, "must be a list, not " + v);
            return out;
        }
        for (String item : v.asText().split(",")) {
            addItem(out, item);
        }
        return out;
    }

    private static void addItem(List<String> out, String item) {
        String t = item.trim();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    /** An optional path; {@code null} when empty. */
    public Path path(String key) {
        String v = string(key);
        return v == null || v.isBlank() ? null : Path.of(v.trim());
    }

    public <E extends Enum<E>> E oneOf(String key, Class<E> type) {
        String v = string(key);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v == null ? "" : v.trim().replace('-', '_'))) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        problem(key, "must be one of " + names + ", not '" + v + "'");
        return type.getEnumConstants()[0];
    }

    public void problem(String key, String message) {
        Source source = sources.get(key);
        String from = source == null || source == Source.DEFAULT ? ""
                : source == Source.ENV ? " (from " + envName(key) + ")"
                : source == Source.CLI ? " (from the command line)" : " (from the config file)";
        problems.add(key + ": " + message + from);
    }

    /** Throws a {@link ConfigException} with every problem recorded so far, if any. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private JsonNode node(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("no default declares the setting " + key);
        }
        return values.get(key);
    }

    /** Every setting with its effective value, secrets masked, and where the value came from. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : values.entrySet()) {
            String v = e.getValue() == null || e.getValue().isNull() ? "" : e.getValue().isValueNode()
                    ? e.getValue().asText() : e.getValue().toString();
            out.put(e.getKey(), mask(e.getKey(), v) + " (" + sources.get(e.getKey()).name().toLowerCase(Locale.ROOT) + ")");
        }
        return out;
    }

    /** A value as it may be printed: secrets as {@code ****}, passwords inside URLs too. */
    public static String mask(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        if (SECRET_KEY.matcher(key).matches()) {
            return "****";
        }
        return URL_PASSWORD.matcher(value).replaceAll("$1****$3");
    }
}
