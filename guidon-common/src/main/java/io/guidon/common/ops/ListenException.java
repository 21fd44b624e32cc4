package io.guidon.common.ops;

/**
 * A server could not bind its address: the message is one line naming the address and the setting that chose it
 * ({@code cannot listen on 127.0.0.1:7070 (http.port): address already in use}), for the command to print as is.
 */
public final class ListenException extends RuntimeException {

    public ListenException(String host, int port, String setting, Throwable cause) {
        super("cannot listen on " + host + ":" + port + " (" + setting + "): " + reason(cause), cause);
    }

    private static String reason(Throwable cause) {
        String m = cause == null ? null : cause.getMessage();
        if (m == null) {
            return cause == null ? "unknown error" : cause.getClass().getSimpleName();
        }
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("address already in use")) {
            return "address already in use (another process listens there; choose another port)";
        }
        if (lower.contains("cannot assign requested address")) {
            return "no interface of this machine has that address";
        }
        if (lower.contains("permission denied")) {
            return "permission denied (ports below 1024 need privileges)";
        }
        return m;
    }

    /** The first {@link ListenException} in {@code e}'s cause chain, or null. */
    public static ListenException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ListenException l) {
                return l;
            }
        }
        return null;
    }
}
