package io.guidon.engine;

/**
 * Semantic versions (SemVer 2.0): parsed by hand and compared without converting numbers, so that no input can
 * make parsing or comparing throw. semver4j, used before, read pre-release numbers with {@code Long.parseLong}
 * while comparing: {@code 2.0.0-nightly.20250101123456789012345} threw out of every evaluation that compared it.
 * Here numeric identifiers of any length compare by length, then digit by digit (they have no leading zeros).
 */
final class Versions {

    /** Longer strings are not versions: a document is refused, a context value does not match. */
    static final int MAX_LENGTH = 256;

    private Versions() {
    }

    /** A strict SemVer 2.0 version, or {@code null}: what documents must write. */
    static Version parseStrict(String text) {
        if (text.length() > MAX_LENGTH) {
            return null;
        }
        return parse(text, 0, 3);
    }

    /**
     * What contexts may send: strict SemVer, or a version with a leading {@code v} and/or missing minor and patch
     * numbers ({@code v2}, {@code 2.3}), which apps often report, with surrounding spaces ignored; {@code null} for
     * anything else.
     */
    static Version parseLenient(String text) {
        if (text.length() > MAX_LENGTH) {
            return null;
        }
        String t = text.strip();
        int from = t.startsWith("v") || t.startsWith("V") ? 1 : 0;
        return parse(t, from, 1);
    }

    /**
     * Parses {@code MAJOR[.MINOR[.PATCH]][-PRE][+BUILD]} from {@code from}, requiring at least {@code minParts} of
     * the three numbers (the others are 0); {@code null} for anything that is not one.
     */
    private static Version parse(String t, int from, int minParts) {
        int n = t.length();
        String[] core = new String[3];
        int i = from;
        int parts = 0;
        while (parts < 3) {
            int start = i;
            while (i < n && isDigit(t.charAt(i))) {
                i++;
            }
            if (i == start || (i - start > 1 && t.charAt(start) == '0')) {
                return null;
            }
            core[parts++] = t.substring(start, i);
            if (i < n && t.charAt(i) == '.' && parts < 3) {
                i++;
                continue;
            }
            break;
        }
        if (parts < minParts) {
            return null;
        }
        for (int p = parts; p < 3; p++) {
            core[p] = "0";
        }
        String[] pre = NONE;
        if (i < n && t.charAt(i) == '-') {
            int end = i + 1;
            while (end < n && t.charAt(end) != '+') {
                end++;
            }
            pre = identifiers(t, i + 1, end, true);
            if (pre == null) {
                return null;
            }
            i = end;
        }
        String build = "";
        if (i < n && t.charAt(i) == '+') {
            if (identifiers(t, i + 1, n, false) == null) {
                return null;
            }
            build = t.substring(i);
            i = n;
        }
        if (i != n) {
            return null;
        }
        return new Version(core[0], core[1], core[2], pre, build);
    }

    private static final String[] NONE = new String[0];

    /** The dot-separated identifiers in {@code [from, to)}, or {@code null} if one is empty or invalid. */
    private static String[] identifiers(String t, int from, int to, boolean numericWithoutLeadingZero) {
        if (from >= to) {
            return null;
        }
        int count = 1;
        for (int i = from; i < to; i++) {
            if (t.charAt(i) == '.') {
                count++;
            }
        }
        String[] out = new String[count];
        int k = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && t.charAt(i) != '.') {
                char c = t.charAt(i);
                if (!isDigit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '-') {
                    return null;
                }
                continue;
            }
            if (i == start) {
                return null;
            }
            String id = t.substring(start, i);
            if (numericWithoutLeadingZero && id.length() > 1 && id.charAt(0) == '0' && allDigits(id)) {
                return null;
            }
            out[k++] = id;
            start = i + 1;
        }
        return out;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A parsed version. Immutable; {@link #compareTo} is SemVer 2.0 precedence (build metadata ignored), allocates
     * nothing and cannot throw.
     */
    static final class Version implements Comparable<Version> {
        private final String major;
        private final String minor;
        private final String patch;
        private final String[] preRelease;
        private final boolean[] numeric;
        private final String text;
        /** major, minor, patch as numbers when each has at most 18 digits (the common case), else -1. */
        private final long majorN;
        private final long minorN;
        private final long patchN;

        Version(String major, String minor, String patch, String[] preRelease, String build) {
            this.major = major;
            this.minor = minor;
            this.patch = patch;
            this.preRelease = preRelease;
            this.numeric = new boolean[preRelease.length];
            for (int i = 0; i < preRelease.length; i++) {
                numeric[i] = allDigits(preRelease[i]);
            }
            this.majorN = small(major);
            this.minorN = small(minor);
            this.patchN = small(patch);
            this.text = major + "." + minor + "." + patch
                    + (preRelease.length == 0 ? "" : "-" + String.join(".", preRelease)) + build;
        }

        @Override
        public int compareTo(Version o) {
            int c;
            if ((majorN | minorN | patchN | o.majorN | o.minorN | o.patchN) >= 0) {
                // All six fit a long: compare them as numbers, the cheap path every real version takes.
                c = Long.compare(majorN, o.majorN);
                if (c == 0) {
                    c = Long.compare(minorN, o.minorN);
                }
                if (c == 0) {
                    c = Long.compare(patchN, o.patchN);
                }
            } else {
                c = compareNumbers(major, o.major);
                if (c == 0) {
                    c = compareNumbers(minor, o.minor);
                }
                if (c == 0) {
                    c = compareNumbers(patch, o.patch);
                }
            }
            if (c != 0) {
                return c;
            }
            // A version with a pre-release comes before the release itself.
            if (preRelease.length == 0 || o.preRelease.length == 0) {
                return Integer.compare(o.preRelease.length == 0 ? 0 : 1, preRelease.length == 0 ? 0 : 1);
            }
            int shared = Math.min(preRelease.length, o.preRelease.length);
            for (int i = 0; i < shared; i++) {
                if (numeric[i] != o.numeric[i]) {
                    return numeric[i] ? -1 : 1; // numeric identifiers come before alphanumeric ones
                }
                c = numeric[i] ? compareNumbers(preRelease[i], o.preRelease[i])
                        : Integer.signum(preRelease[i].compareTo(o.preRelease[i]));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(preRelease.length, o.preRelease.length);
        }

        /** A digit string of at most 18 digits as a long (it cannot overflow), else -1. */
        private static long small(String digits) {
            if (digits.length() > 18) {
                return -1;
            }
            long n = 0;
            for (int i = 0; i < digits.length(); i++) {
                n = n * 10 + (digits.charAt(i) - '0');
            }
            return n;
        }

        /** Digit strings without leading zeros, of any length. */
        private static int compareNumbers(String a, String b) {
            if (a.length() != b.length()) {
                return a.length() < b.length() ? -1 : 1;
            }
            return Integer.signum(a.compareTo(b));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Version v && text.equals(v.text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        /** The version as written, minor and patch filled in and any {@code v} or spaces removed. */
        @Override
        public String toString() {
            return text;
        }
    }
}
