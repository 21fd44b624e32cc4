package io.guidon.engine;

/**
 * A regular expression that is only literal text, optionally anchored with {@code ^} and/or {@code $}, such as
 * {@code @corp\.example$}: searching for it is a {@code contains}, {@code startsWith}, {@code endsWith} or
 * {@code equals}, several times faster than running RE2's automaton. Patterns with any other syntax, flags or
 * escapes other than escaped punctuation are not literal and stay with RE2, which defines the semantics
 * ({@code ^} and {@code $} anchor the whole text, as RE2 does without the multi-line flag).
 */
record LiteralPattern(String text, boolean atStart, boolean atEnd) {

    private static final String META = "\\^$.|?*+()[]{}";

    /** The literal form of {@code regex}, or {@code null} if it is not one. */
    static LiteralPattern of(String regex) {
        int from = 0;
        int to = regex.length();
        boolean atStart = false;
        boolean atEnd = false;
        if (to > 0 && regex.charAt(0) == '^') {
            atStart = true;
            from = 1;
        }
        if (to > from && regex.charAt(to - 1) == '$' && !escaped(regex, to - 1)) {
            atEnd = true;
            to--;
        }
        StringBuilder text = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                if (i + 1 >= to) {
                    return null;
                }
                char next = regex.charAt(++i);
                if (Character.isLetterOrDigit(next) || next > 127) {
                    return null;
                }
                text.append(next);
            } else if (META.indexOf(c) >= 0 || Character.isSurrogate(c)) {
                return null;
            } else {
                text.append(c);
            }
        }
        return new LiteralPattern(text.toString(), atStart, atEnd);
    }

    private static boolean escaped(String s, int index) {
        int backslashes = 0;
        for (int i = index - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    boolean find(String s) {
        if (atStart && atEnd) {
            return s.equals(text);
        }
        if (atStart) {
            return s.startsWith(text);
        }
        if (atEnd) {
            return s.endsWith(text);
        }
        return s.contains(text);
    }
}
