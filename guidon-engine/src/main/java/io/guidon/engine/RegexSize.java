package io.guidon.engine;

/**
 * An upper bound of the size of the program RE2/J compiles a regular expression into, in instructions, computed
 * from the syntax alone and without recursion, so that a pattern can be refused before RE2/J builds it: RE2/J
 * expands counted repetition, and nesting multiplies ({@code ((a{10}){10}){10}} is a thousand copies of
 * {@code a}; nine levels are a billion, which exhausts any heap). Each literal, escape, character class, {@code .}
 * or anchor counts 1; a group counts its contents plus 2; {@code |} counts 1; {@code *}, {@code +}, {@code ?} add 1
 * to what they repeat; {@code {n}}, {@code {n,m}} and {@code {n,}} multiply it by m (by n, at least 1, for
 * {@code {n,}}), plus 1. Sizes saturate at {@link #SATURATED}. The result only bounds; RE2/J still judges syntax.
 */
final class RegexSize {

    /** Where sizes stop growing (far above any limit), so that nothing overflows. */
    static final long SATURATED = 1L << 40;

    private RegexSize() {
    }

    /** The expanded size of {@code regex}, at least 1, saturating at {@link #SATURATED}. */
    static long of(String regex) {
        int n = regex.length();
        // One frame per open group: the size of its completed items and of its last item (what a quantifier repeats).
        long[] totals = new long[8];
        long[] lasts = new long[8];
        int depth = 0;
        int i = 0;
        while (i < n) {
            char c = regex.charAt(i);
            long atom = 0;
            switch (c) {
                case '(' -> {
                    int end = groupStart(regex, i);
                    if (end < 0) {
                        if (depth + 1 == totals.length) {
                            totals = java.util.Arrays.copyOf(totals, totals.length * 2);
                            lasts = java.util.Arrays.copyOf(lasts, lasts.length * 2);
                        }
                        depth++;
                        totals[depth] = 0;
                        lasts[depth] = 0;
                        i = -end;
                        continue;
                    }
                    i = end; // a flag setting such as (?i): no group, no size
                    continue;
                }
                case ')' -> {
                    if (depth > 0) {
                        atom = add(totals[depth], 2);
                        depth--;
                    } else {
                        atom = 1;
                    }
                    i++;
                }
                case '|' -> {
                    totals[depth] = add(totals[depth], 1);
                    lasts[depth] = 0;
                    i++;
                    continue;
                }
                case '*', '+', '?' -> {
                    i++;
                    if (i < n && regex.charAt(i) == '?') {
                        i++; // non-greedy
                    }
                    totals[depth] = add(totals[depth], 1);
                    lasts[depth] = add(lasts[depth], 1);
                    continue;
                }
                case '{' -> {
                    int close = regex.indexOf('}', i);
                    long count = close < 0 ? -1 : repeatCount(regex, i + 1, close);
                    if (count < 0) {
                        atom = 1; // a literal '{'
                        i++;
                    } else {
                        long last = lasts[depth];
                        long repeated = add(times(last, count), 1);
                        totals[depth] = add(totals[depth] - last, repeated);
                        lasts[depth] = repeated;
                        i = close + 1;
                        if (i < n && regex.charAt(i) == '?') {
                            i++;
                        }
                        continue;
                    }
                }
                case '[' -> {
                    i = classEnd(regex, i);
                    atom = 1;
                }
                case '\\' -> {
                    int end = escapeEnd(regex, i);
                    // \Q...\E quotes its characters, one instruction each.
                    atom = regex.startsWith("\\Q", i) ? Math.max(1, end - i - 4) : 1;
                    i = end;
                }
                default -> {
                    i++;
                    atom = 1;
                }
            }
            totals[depth] = add(totals[depth], atom);
            lasts[depth] = atom;
        }
        // Unclosed groups (RE2/J refuses them anyway) are closed here.
        while (depth > 0) {
            long inner = add(totals[depth], 2);
            depth--;
            totals[depth] = add(totals[depth], inner);
        }
        return Math.max(1, totals[0]);
    }

    /**
     * At {@code (}: minus the index after the opening of a group ({@code (}, {@code (?:}, {@code (?P<name>},
     * {@code (?i:}), or the index after a flag setting such as {@code (?i)}, which opens none.
     */
    private static int groupStart(String regex, int at) {
        int n = regex.length();
        if (at + 1 >= n || regex.charAt(at + 1) != '?') {
            return -(at + 1);
        }
        int j = at + 2;
        if (j < n && regex.charAt(j) == 'P') {
            int close = regex.indexOf('>', j);
            return -(close < 0 ? n : close + 1);
        }
        while (j < n && regex.charAt(j) != ')' && regex.charAt(j) != ':') {
            j++;
        }
        if (j < n && regex.charAt(j) == ')') {
            return j + 1;
        }
        return -Math.min(n, j + 1);
    }

    /** The largest count of {@code {n}}, {@code {n,}} or {@code {n,m}} between {@code from} and {@code close}, or -1. */
    private static long repeatCount(String regex, int from, int close) {
        long first = 0;
        long second = -1;
        boolean comma = false;
        int digits = 0;
        for (int j = from; j < close; j++) {
            char d = regex.charAt(j);
            if (d == ',' && !comma && digits > 0) {
                comma = true;
                second = 0;
                digits = 0;
            } else if (d >= '0' && d <= '9') {
                digits++;
                if (digits > 9) {
                    return SATURATED;
                }
                if (comma) {
                    second = second * 10 + (d - '0');
                } else {
                    first = first * 10 + (d - '0');
                }
            } else {
                return -1;
            }
        }
        if (!comma && digits == 0) {
            return -1;
        }
        long max = comma && digits > 0 ? Math.max(first, second) : first;
        return Math.max(1, max);
    }

    /** At {@code [}: the index after the class's closing {@code ]} (a {@code ]} right after {@code [} or {@code [^} is a member). */
    private static int classEnd(String regex, int at) {
        int n = regex.length();
        int j = at + 1;
        if (j < n && regex.charAt(j) == '^') {
            j++;
        }
        if (j < n && regex.charAt(j) == ']') {
            j++;
        }
        while (j < n) {
            char c = regex.charAt(j);
            if (c == ']') {
                return j + 1;
            }
            if (c == '\\') {
                j = escapeEnd(regex, j);
            } else if (c == '[' && j + 1 < n && regex.charAt(j + 1) == ':') {
                int close = regex.indexOf(":]", j + 2);
                j = close < 0 ? j + 1 : close + 2;
            } else {
                j++;
            }
        }
        return n;
    }

    /** At {@code \}: the index after the escape ({@code \p{Greek}}, {@code \x{10FFFF}} and {@code \Q...\E} whole). */
    private static int escapeEnd(String regex, int at) {
        int n = regex.length();
        if (at + 1 >= n) {
            return n;
        }
        char e = regex.charAt(at + 1);
        if ((e == 'p' || e == 'P' || e == 'x') && at + 2 < n && regex.charAt(at + 2) == '{') {
            int close = regex.indexOf('}', at + 3);
            return close < 0 ? n : close + 1;
        }
        if (e == 'Q') {
            int close = regex.indexOf("\\E", at + 2);
            return close < 0 ? n : close + 2;
        }
        return at + 2;
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return sum >= SATURATED || sum < 0 ? SATURATED : sum;
    }

    private static long times(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a >= SATURATED / b ? SATURATED : a * b;
    }
}
