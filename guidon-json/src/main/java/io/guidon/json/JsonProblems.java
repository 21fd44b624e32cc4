package io.guidon.json;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in plain words what is wrong with a request body that the JSON parser refused, and where (both servers, through
 * {@link BoundedJson}): the parser's own
 * messages name its classes and settings ({@code StreamReadConstraints.getMaxNestingDepth()}), character codes and
 * "Source: REDACTED" locations, which mean nothing to a client and tell an attacker which parser runs here.
 */
public final class JsonProblems {

    private static final Pattern WHERE = Pattern.compile("^malformed JSON( at line \\d+, column \\d+)?: (.*)$",
            Pattern.DOTALL);
    private static final Pattern CHARACTER = Pattern.compile("Unexpected character \\('(.{1,2})' \\(code \\d+\\)\\)");
    private static final Pattern TOKEN = Pattern.compile("Unrecognized token '([^']{0,40})[^']*'");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']{0,80})[^']*'");
    private static final Pattern CLOSE = Pattern.compile("Unexpected close marker '(.)': expected '(.)'");
    private static final Pattern NON_STANDARD = Pattern.compile("Non-standard token '([^']{0,20})");
    private static final Pattern CONTROL = Pattern.compile("Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    private static final Pattern ESCAPE = Pattern.compile("Unrecognized character escape '(.{1,2})'");

    private JsonProblems() {
    }

    /**
     * "the body is not valid JSON[ at line L, column C]: what", from a {@link BoundedJson.Rejected} message of kind
     * {@link BoundedJson.Kind#MALFORMED} ("malformed JSON[ at ...]: what").
     */
    public static String plain(String rejectedMessage) {
        String m = rejectedMessage == null ? "" : rejectedMessage;
        Matcher w = WHERE.matcher(m);
        String where = "";
        String what = m;
        if (w.matches()) {
            where = w.group(1) == null ? "" : w.group(1);
            what = w.group(2);
        }
        return "the body is not valid JSON" + where + ": " + syntax(what);
    }

    /** What a syntax error of Jackson's means, in plain words; text that is plain already is kept. */
    public static String syntax(String m) {
        if (m.startsWith("Unexpected end-of-input")) {
            return "the body ends before its JSON is complete (an object, array or string is not closed)";
        }
        Matcher x = DUPLICATE.matcher(m);
        if (x.find()) {
            return "the field \"" + x.group(1) + "\" appears twice in one object";
        }
        x = ESCAPE.matcher(m);
        if (x.find()) {
            return "\\" + x.group(1) + " is not a JSON escape (use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)";
        }
        x = CHARACTER.matcher(m);
        if (x.find()) {
            // The rest says what was expected in words already ("expected a value", "in numeric value: Decimal
            // point not followed by a digit", "was expecting comma to separate Object entries").
            if (m.contains("comment")) {
                return "unexpected character '" + x.group(1) + "': JSON has no comments";
            }
            String rest = m.substring(x.end()).replaceFirst("^:?\\s*", "").replace("was expecting", "expected");
            return "unexpected character '" + x.group(1) + "'" + (rest.isEmpty() ? "" : ": " + scrub(rest));
        }
        x = CLOSE.matcher(m);
        if (x.find()) {
            return "unexpected '" + x.group(1) + "': it does not close the array or object that is open"
                    + (m.contains("for root") ? " (none is)" : " (that needs '" + x.group(2) + "')");
        }
        x = NON_STANDARD.matcher(m);
        if (x.find()) {
            return "'" + x.group(1) + "' is not a JSON value (JSON has no NaN or Infinity)";
        }
        x = CONTROL.matcher(m);
        if (x.find()) {
            return "a control character (U+" + String.format("%04X", Integer.parseInt(x.group(1)))
                    + ") inside a string must be escaped (\\t, \\n, "
                    + "\\u0000 ...)";
        }
        if (m.startsWith("Invalid numeric value")) {
            return "a number is not valid JSON: " + scrub(m.substring(m.indexOf(':') + 1)).toLowerCase(
                    java.util.Locale.ROOT);
        }
        x = TOKEN.matcher(m);
        if (x.find()) {
            return "'" + x.group(1) + "' is not a JSON value (values are strings in double quotes, numbers, "
                    + "objects, arrays, true, false and null)";
        }
        if (m.startsWith("Invalid UTF-8")) {
            return "the body is not UTF-8 text";
        }
        if (m.contains("Trailing token") || m.contains("trailing token")) {
            return "there is more after the JSON value";
        }
        return scrub(m);
    }

    /** Whatever the parser said, without its class names, setting names, character codes and source locations. */
    public static String scrub(String m) {
        String s = m;
        int source = s.indexOf("[Source:");
        if (source >= 0) {
            s = s.substring(0, source);
        }
        s = s.replaceAll("\\(code -?\\d+\\)", "")
                // "(200, from `...`)" keeps "(200)"; a bare "(from `...`)" goes whole.
                .replaceAll("\\(from `[^`]*`\\)", "")
                .replaceAll(",? ?from `[^`]*`", "")
                .replaceAll("`[^`]*`", "")
                .replaceAll("\\(?[^()]*Feature '[A-Z_]+'[^()]*\\)?", "")
                .replaceAll("\\b(com|java|io)\\.[A-Za-z0-9_.$]+", "")
                .replaceAll("\\s+", " ")
                .replaceAll("\\s+([):,.])", "$1")
                .trim();
        if (s.endsWith("(")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s.isEmpty() ? "it cannot be read" : s;
    }
}
