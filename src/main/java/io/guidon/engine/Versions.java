package io.guidon.engine;

import org.semver4j.Semver;

/** Semantic versions, through semver4j. */
final class Versions {

    private Versions() {
    }

    /** A strict SemVer 2.0 version, or {@code null}: what documents must write. */
    static Semver parseStrict(String text) {
        // semver4j also takes "v1.2.3" and surrounding spaces; a document must write the version itself.
        Semver version = Semver.parse(text);
        return version != null && version.getVersion().equals(text) ? version : null;
    }

    /**
     * What contexts may send: strict SemVer, or a version with a leading {@code v} and/or missing minor and patch
     * numbers ({@code v2}, {@code 2.3}), which apps often report; {@code null} for anything else.
     */
    static Semver parseLenient(String text) {
        Semver strict = Semver.parse(text);
        if (strict != null) {
            return strict;
        }
        String t = text.startsWith("v") || text.startsWith("V") ? text.substring(1) : text;
        int dots = 0;
        int end = t.length();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c == '-' || c == '+') {
                end = i;
                break;
            } else if (c < '0' || c > '9') {
                return null;
            }
        }
        if (end == 0 || dots > 2) {
            return null;
        }
        String core = t.substring(0, end);
        String padded = dots == 0 ? core + ".0.0" : dots == 1 ? core + ".0" : core;
        return Semver.parse(padded + t.substring(end));
    }
}
