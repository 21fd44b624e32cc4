package io.guidon.json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where in a JSON document something is: an immutable JSON Pointer (RFC 6901) kept as its reference tokens, so a
 * validation error can be re-rooted ({@link #under}) without parsing text. Two renderings: {@link #toString()}, the
 * RFC 6901 string ({@code /flags/a.b/rules/0}), and {@link #text()}, the form error messages have always used
 * ({@code flags["a.b"].rules[0]}): names joined by dots, array indexes in brackets, a name that is not plain
 * (a dot, a space, a quote...) quoted in brackets. Text is produced only at the edge, for people.
 *
 * <p>Tokens that are array indexes are told apart from object members when the pointer is built
 * ({@link #index} versus {@link #field}); a pointer parsed from a string ({@link #parse}) treats an all-digit
 * token as an index, which is how RFC 6901 leaves it to the document.
 */
public final class Pointer {

    /** The whole document: {@code ""} as RFC 6901 text, {@code ""} as message text. */
    public static final Pointer ROOT = new Pointer(new String[0], new boolean[0]);

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_$-]+");
    private static final Pattern DIGITS = Pattern.compile("0|[1-9][0-9]{0,9}");

    private final String[] tokens;
    private final boolean[] isIndex;

    private Pointer(String[] tokens, boolean[] isIndex) {
        this.tokens = tokens;
        this.isIndex = isIndex;
    }

    /** The pointer to member {@code name} (any string, even empty) of the object at this one. */
    public Pointer field(String name) {
        return append(name, false);
    }

    /** The pointer to element {@code i} (0-based, not negative) of the array at this one. */
    public Pointer index(int i) {
        if (i < 0) {
            throw new IllegalArgumentException("negative array index " + i);
        }
        return append(Integer.toString(i), true);
    }

    /** {@code names} as object members, in order, from the root: {@code Pointer.of("flags", "x")}. */
    public static Pointer of(String... names) {
        Pointer p = ROOT;
        for (String n : names) {
            p = p.field(n);
        }
        return p;
    }

    /** This pointer with {@code prefix} in front: a document's {@code /rules/0} under {@code /flags/x}. */
    public Pointer under(Pointer prefix) {
        if (prefix.tokens.length == 0) {
            return this;
        }
        String[] t = Arrays.copyOf(prefix.tokens, prefix.tokens.length + tokens.length);
        System.arraycopy(tokens, 0, t, prefix.tokens.length, tokens.length);
        boolean[] ix = Arrays.copyOf(prefix.isIndex, prefix.isIndex.length + isIndex.length);
        System.arraycopy(isIndex, 0, ix, prefix.isIndex.length, isIndex.length);
        return new Pointer(t, ix);
    }

    /** This pointer without its first {@code n} tokens (n no more than {@link #size()}). */
    public Pointer drop(int n) {
        if (n < 0 || n > tokens.length) {
            throw new IllegalArgumentException("cannot drop " + n + " of " + tokens.length + " tokens");
        }
        return new Pointer(Arrays.copyOfRange(tokens, n, tokens.length), Arrays.copyOfRange(isIndex, n, tokens.length));
    }

    /** Whether this pointer is {@code prefix} or lies inside it. */
    public boolean startsWith(Pointer prefix) {
        if (prefix.tokens.length > tokens.length) {
            return false;
        }
        for (int i = 0; i < prefix.tokens.length; i++) {
            if (!tokens[i].equals(prefix.tokens[i])) {
                return false;
            }
        }
        return true;
    }

    /** The number of reference tokens (0 for the root). */
    public int size() {
        return tokens.length;
    }

    /** Reference token {@code i}, unescaped (a member name or an index's digits). */
    public String token(int i) {
        return tokens[i];
    }

    /** Whether token {@code i} is an array index. */
    public boolean isIndex(int i) {
        return isIndex[i];
    }

    /** The reference tokens, unescaped. */
    public List<String> tokens() {
        return List.of(tokens);
    }

    /**
     * Parses RFC 6901 text ({@code ""} or {@code /a/0/b~1c}).
     *
     * @throws IllegalArgumentException if {@code text} is neither empty nor starts with {@code /}, or holds a
     *         {@code ~} not followed by 0 or 1
     */
    public static Pointer parse(String text) {
        if (text.isEmpty()) {
            return ROOT;
        }
        if (text.charAt(0) != '/') {
            throw new IllegalArgumentException("a JSON Pointer starts with '/': " + text);
        }
        List<String> parts = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '/') {
                parts.add(unescape(text.substring(start, i), text));
                start = i + 1;
            }
        }
        String[] t = parts.toArray(new String[0]);
        boolean[] ix = new boolean[t.length];
        for (int i = 0; i < t.length; i++) {
            ix[i] = DIGITS.matcher(t[i]).matches();
        }
        return new Pointer(t, ix);
    }

    /** The RFC 6901 text: {@code /flags/a.b/rules/0}, {@code ~} and {@code /} escaped as {@code ~0}, {@code ~1}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            sb.append('/').append(t.replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    /**
     * The text error messages use: {@code flags["a.b"].rules[0].when}; {@code ""} for the root. A member name that
     * is not plain ({@code [A-Za-z0-9_$-]+}) is written {@code ["..."]} with {@code \} and {@code "} escaped, so the
     * text stays unambiguous.
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            if (isIndex[i]) {
                sb.append('[').append(tokens[i]).append(']');
            } else if (PLAIN.matcher(tokens[i]).matches()) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(tokens[i]);
            } else {
                sb.append("[\"").append(tokens[i].replace("\\", "\\\\").replace("\"", "\\\"")).append("\"]");
            }
        }
        return sb.toString();
    }

    /**
     * Reads back the text form {@link #text()} writes ({@code flags["a.b"].rules[0].when}) as the pointer it was
     * written from, for errors that are still built from text; null when {@code text} is null or not in that form
     * (the form is unambiguous: plain names joined by dots, indexes as {@code [digits]}, any other name as
     * {@code ["..."]} with {@code \} and {@code "} escaped).
     */
    public static Pointer fromText(String text) {
        if (text == null) {
            return null;
        }
        Pointer p = ROOT;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '[') {
                if (i + 1 < n && text.charAt(i + 1) == '"') {
                    StringBuilder name = new StringBuilder();
                    int j = i + 2;
                    for (;; j++) {
                        if (j >= n) {
                            return null;
                        }
                        char d = text.charAt(j);
                        if (d == '\\') {
                            if (j + 1 >= n) {
                                return null;
                            }
                            name.append(text.charAt(++j));
                        } else if (d == '"') {
                            break;
                        } else {
                            name.append(d);
                        }
                    }
                    if (j + 1 >= n || text.charAt(j + 1) != ']') {
                        return null;
                    }
                    p = p.field(name.toString());
                    i = j + 2;
                } else {
                    int close = text.indexOf(']', i);
                    if (close < 0) {
                        return null;
                    }
                    String digits = text.substring(i + 1, close);
                    if (!digits.matches("0|[1-9][0-9]{0,8}")) {
                        return null;
                    }
                    p = p.index(Integer.parseInt(digits));
                    i = close + 1;
                }
            } else {
                if (c == '.') {
                    if (i == 0) {
                        return null;
                    }
                    i++;
                }
                int start = i;
                while (i < n && plainChar(text.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return null;
                }
                p = p.field(text.substring(start, i));
            }
        }
        return p;
    }

    private static boolean plainChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$'
                || c == '-';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pointer p && Arrays.equals(tokens, p.tokens) && Arrays.equals(isIndex, p.isIndex);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens) * 31 + Arrays.hashCode(isIndex);
    }

    private Pointer append(String token, boolean index) {
        String[] t = Arrays.copyOf(tokens, tokens.length + 1);
        t[tokens.length] = token;
        boolean[] ix = Arrays.copyOf(isIndex, isIndex.length + 1);
        ix[isIndex.length] = index;
        return new Pointer(t, ix);
    }

    private static String unescape(String token, String whole) {
        StringBuilder sb = new StringBuilder(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c != '~') {
                sb.append(c);
            } else if (i + 1 < token.length() && (token.charAt(i + 1) == '0' || token.charAt(i + 1) == '1')) {
                sb.append(token.charAt(++i) == '0' ? '~' : '/');
            } else {
                throw new IllegalArgumentException("'~' must be followed by 0 or 1 in a JSON Pointer: " + whole);
            }
        }
        return sb.toString();
    }
}
