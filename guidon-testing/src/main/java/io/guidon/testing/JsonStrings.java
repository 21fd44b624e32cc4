package io.guidon.testing;

/** JSON text for tests that must send any Java string exactly, lone surrogates and NUL included. */
public final class JsonStrings {

    private JsonStrings() {
    }

    /**
     * {@code s} as a JSON string literal in printable ASCII: quotes and backslashes escaped, every other character
     * outside 0x20-0x7e written as {@code \}{@code uXXXX}, so that a lone surrogate survives the trip as bytes.
     */
    public static String ascii(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
