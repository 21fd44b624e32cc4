package io.guidon.openfeature;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** JSON text helpers. */
final class Json {

    private Json() {
    }

    /** Appends {@code s} as a JSON string (escaped). */
    static StringBuilder string(StringBuilder sb, String s) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        return sb.append('"');
    }
}
