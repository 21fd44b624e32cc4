package io.guidon.controlplane.api;

/** Checks on human-written text (names, descriptions) that will be shown in consoles and logs. */
public final class Text {

    private Text() {
    }

    /**
     * Why {@code s} is not acceptable as human-readable text, or null. Angle brackets are refused outright: a
     * description is plain text, and refusing every {@code <} and {@code >} leaves no markup (tags, comments,
     * script) to slip through a cleverer filter into a console that renders it. Bidirectional embeddings,
     * overrides and isolates are refused too (right-to-left text itself is welcome): they let text show as other
     * text. The rule itself is {@link io.guidon.controlplane.domain.PlainText}'s, shared with the domain's body
     * readers.
     */
    public static String problem(String s, int maxLength) {
        return io.guidon.controlplane.domain.PlainText.problem(s, maxLength);
    }
}
