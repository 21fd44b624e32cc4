package io.guidon.engine;

/**
 * Text a flag document may hold: Unicode without NUL. A lone UTF-16 surrogate (JSON's {@code "\ud800"}) is not a
 * character: encoders write it as '?', so a sidecar would serve {@code "a?b"} for {@code "a\ud800b"}. NUL
 * ({@code "\u0000"}) is a character, but PostgreSQL's text and jsonb cannot store it, so the control plane could not
 * hold the document a file may.
 */
final class Texts {

    private Texts() {
    }

    /** Why {@code text} cannot be in a document ("contains ..."), or null when it can. */
    static String problem(String text) {
        int at = firstBad(text);
        if (at < 0) {
            return null;
        }
        char c = text.charAt(at);
        if (c == 0) {
            return "contains NUL (\\u0000) at character " + at + ", which the control plane's database cannot store";
        }
        return "contains a lone UTF-16 surrogate (" + escape(c) + ") at character " + at
                + ", which is not a Unicode character (surrogates come in pairs, such as \\ud83d\\ude00)";
    }

    /** {@code text} with NUL and lone surrogates written as {@code \}{@code uXXXX}; itself when it has none. */
    static String printable(String text) {
        int at = firstBad(text);
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, at);
        for (int i = at; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || Character.isSurrogate(c) && !paired(text, i)) {
                out.append(escape(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int firstBad(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the surrogate at {@code i} is half of a pair. */
    private static boolean paired(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private static String escape(char c) {
        return String.format("\\u%04x", (int) c);
    }
}
