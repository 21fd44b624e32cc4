package io.guidon.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How a sidecar or an in-process provider names itself on every request to the control plane ({@code GET
 * /api/v1/sidecar/flags}, {@code POST /api/v1/events}), so that the control plane can tell which processes fetched an
 * environment's flags and which version each holds:
 * <ul>
 *   <li>{@value #INSTANCE_HEADER}: the instance id, one per process, the same on every request of it and distinct
 *       between processes ({@link #newInstanceId()}: the host name and a random suffix; or configured). Matches
 *       {@link #isInstanceId}; the control plane uses the client's address instead of a missing or malformed one.</li>
 *   <li>{@code User-Agent: <product>/<version>} ({@link #userAgent}): {@value #SIDECAR} or {@value #OPENFEATURE}, and
 *       this build's version ({@link #version()}).</li>
 * </ul>
 * Both are informative: nothing is refused for lacking them. Plain Java, no I/O but reading the host name once.
 */
public final class ClientIdentity {

    /** The request header that carries the instance id. */
    public static final String INSTANCE_HEADER = "Guidon-Instance";
    /** Longest instance id, in characters (ASCII). */
    public static final int MAX_INSTANCE_LENGTH = 128;
    /** Longest User-Agent the control plane keeps; a longer one is cut to this many characters. */
    public static final int MAX_USER_AGENT_LENGTH = 256;
    /** The product of the sidecar's User-Agent. */
    public static final String SIDECAR = "guidon-sidecar";
    /** The product of the in-process OpenFeature provider's User-Agent. */
    public static final String OPENFEATURE = "guidon-openfeature";

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,"
            + (MAX_INSTANCE_LENGTH - 1) + "}");
    /** Room for the host name in an instance id made here: the rest is "-" and 8 hex digits. */
    private static final int MAX_HOST_LENGTH = 64;
    private static final String VERSION = readVersion();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClientIdentity() {
    }

    /** This build's version (such as {@code 0.1.0}), or {@code dev} when the classes were not built by Maven. */
    public static String version() {
        return VERSION;
    }

    /** {@code <product>/<version>}, such as {@code guidon-sidecar/0.1.0}. */
    public static String userAgent(String product) {
        return product + "/" + VERSION;
    }

    /**
     * A new instance id: this host's name (as the environment or {@code /etc/hostname} give it, so no DNS lookup;
     * characters an id cannot hold replaced by '-', at most 64 of them) and a random suffix of 8 hex digits, such as
     * {@code checkout-7f9c-2a1b3c4d}. Call once per process and keep it.
     */
    public static String newInstanceId() {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        return hostPart(hostName()) + "-" + HexFormat.of().formatHex(suffix);
    }

    /**
     * Whether {@code s} may be sent as an instance id: 1 to {@value #MAX_INSTANCE_LENGTH} of A-Z, a-z, 0-9, '.',
     * '_', ':', '@', '-', starting with a letter or digit.
     */
    public static boolean isInstanceId(String s) {
        return s != null && INSTANCE.matcher(s).matches();
    }

    /**
     * {@code userAgent} as the control plane keeps it: cut to {@value #MAX_USER_AGENT_LENGTH} characters, every
     * character outside printable ASCII replaced by '?'; '' for null.
     */
    public static String keptUserAgent(String userAgent) {
        if (userAgent == null) {
            return "";
        }
        int n = Math.min(userAgent.length(), MAX_USER_AGENT_LENGTH);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = userAgent.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    /** {@code host} made fit to start an instance id; {@code host} when there is nothing usable. */
    static String hostPart(String host) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < host.length() && b.length() < MAX_HOST_LENGTH; i++) {
            char c = host.charAt(i);
            boolean allowed = c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
            b.append(allowed ? c : '-');
        }
        while (!b.isEmpty() && !Character.isLetterOrDigit(b.charAt(0))) {
            b.deleteCharAt(0);
        }
        return b.isEmpty() ? "host" : b.toString();
    }

    private static String hostName() {
        for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String v = System.getenv(variable);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        try {
            Path etc = Path.of("/etc/hostname");
            if (Files.isReadable(etc)) {
                String v = Files.readString(etc).trim();
                if (!v.isEmpty()) {
                    return v;
                }
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // no host name: the random suffix alone tells processes apart
        }
        return "host";
    }

    private static String readVersion() {
        try (InputStream in = ClientIdentity.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                // Unfiltered (an IDE's build): the placeholder is no version.
                if (v != null && !v.isBlank() && !v.contains("${")) {
                    return v.trim();
                }
            }
        } catch (IOException e) {
            // no version known
        }
        return "dev";
    }
}
