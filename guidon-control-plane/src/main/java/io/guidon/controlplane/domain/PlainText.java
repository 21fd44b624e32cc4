package io.guidon.controlplane.domain;

/**
 * The one rule of human-written text (names, descriptions, hypotheses) that consoles and logs show: at most a given
 * length, no markup, no control characters but newline and tab, no bidirectional overrides. Pure; shared by the
 * HTTP layer's field checks ({@code api.Text}) and the domain's body readers.
 */
public final class PlainText {

    private PlainText() {
    }

    /**
     * Why {@code s} is not acceptable as human-readable text, or null. Angle brackets are refused outright: a
     * description is plain text, and refusing every {@code <} and {@code >} leaves no markup (tags, comments,
     * script) to slip through a cleverer filter into a console that renders it. Bidirectional embeddings,
     * overrides and isolates are refused too (right-to-left text itself is welcome): they let text show as other
     * text.
     */
    public static String problem(String s, int maxLength) {
        if (s.length() > maxLength) {
            return "must be at most " + maxLength + " characters, not " + s.length();
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '<' || c == '>') {
                return "must be plain text: '<' and '>' are not allowed (no HTML or other markup)";
            }
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                return "must not contain control characters";
            }
            if ((c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
                // They reorder what follows on screen: "\u202Egat" shows as "tag" in a console or a log.
                return "must not contain bidirectional embedding, override or isolate characters (U+"
                        + String.format("%04X", (int) c) + "): they make text display as other text";
            }
        }
        return null;
    }
}
