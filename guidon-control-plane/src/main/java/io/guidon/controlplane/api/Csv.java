package io.guidon.controlplane.api;

import java.util.List;

/**
 * CSV as RFC 4180 writes it, safe to open in a spreadsheet: a field is quoted when it holds a comma, a double quote,
 * a carriage return or a line feed (quotes doubled inside), and lines end with CRLF. A field starting with
 * {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return would be run as a formula by Excel,
 * LibreOffice and Google Sheets (CSV injection, OWASP "CSV Injection"): it is prefixed with a single quote, which
 * the spreadsheet shows as text. Numbers are written by the caller with {@link #number}, never through this check,
 * so that a negative number stays a number.
 */
final class Csv {

    private Csv() {
    }

    /**
     * Appends one record: the text fields escaped ({@link #text}), then the numbers ({@link #number}), separated by
     * commas, ended by CRLF.
     */
    static void line(StringBuilder out, List<String> texts, List<Double> numbers) {
        for (int i = 0; i < texts.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            text(out, texts.get(i));
        }
        for (int i = 0; i < numbers.size(); i++) {
            if (i > 0 || !texts.isEmpty()) {
                out.append(',');
            }
            out.append(number(numbers.get(i)));
        }
        out.append("\r\n");
    }

    /** Appends a text field: null as empty, a formula's first character neutralised, quoted when needed. */
    static void text(StringBuilder out, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        char first = value.charAt(0);
        String v = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
        boolean quote = false;
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quote) {
            out.append(v);
            return;
        }
        out.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }

    /** A number as a field: integers without a fraction, others in Java's shortest round-trip form; NaN empty. */
    static String number(Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return "";
        }
        double v = value;
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
