package io.guidon.controlplane.ui.view;

import java.util.Locale;

/**
 * How the experiment pages write the results' numbers: a count with thousands separators, a fraction in percent, a
 * signed lift in percent, a p-value, a mean. The same functions write what a test reads from the API's JSON, so the
 * page and the API are compared number for number. Not a number (an arm without users) is written "n/a"; an infinite
 * interval end "−∞" or "+∞".
 */
public final class Figures {

    private Figures() {
    }

    /** 12345 → "12,345". */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 0.1234 → "12.34 %". */
    public static String percent(double fraction) {
        if (!Double.isFinite(fraction)) {
            return special(fraction);
        }
        return String.format(Locale.ROOT, "%.2f %%", fraction * 100);
    }

    /** 0.0321 → "+3.21 %", -0.01 → "−1.00 %" (a true minus sign). */
    public static String lift(double fraction) {
        if (!Double.isFinite(fraction)) {
            return special(fraction);
        }
        String s = String.format(Locale.ROOT, "%+.2f %%", fraction * 100);
        return s.startsWith("-") ? "\u2212" + s.substring(1) : s;
    }

    /** A p-value: "< 0.001" below a thousandth, else three decimals ("0.012"); "n/a" when unknown. */
    public static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "n/a";
        }
        return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    /** A p-value as a statement: "p = 0.012", "p < 0.001", "p n/a". */
    public static String p(double p) {
        String v = pValue(p);
        return v.startsWith("<") ? "p " + v : v.equals("n/a") ? "p n/a" : "p = " + v;
    }

    /** A mean or ratio with four significant digits, no exponent for ordinary magnitudes: 12.3456 → "12.35". */
    public static String number(double x) {
        if (!Double.isFinite(x)) {
            return special(x);
        }
        if (x == 0) {
            return "0";
        }
        return new java.math.BigDecimal(x).round(new java.math.MathContext(4)).stripTrailingZeros()
                .toPlainString();
    }

    /** An ISO-8601 duration as people write it: whole days as days ("P7D", not "PT168H"), else as Java writes it. */
    public static String duration(java.time.Duration d) {
        return io.guidon.controlplane.domain.IsoDurations.of(d);
    }

    private static String special(double x) {
        if (Double.isNaN(x)) {
            return "n/a";
        }
        return x > 0 ? "+\u221e" : "\u2212\u221e";
    }
}
