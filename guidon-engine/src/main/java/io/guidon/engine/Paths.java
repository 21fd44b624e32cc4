package io.guidon.engine;

import java.util.regex.Pattern;

/**
 * JSON paths in validation messages: {@code flags.new-checkout.rules[1].when.all[0].op}. A key that is not a
 * plain name (it has a dot, a space, a quote...) is written {@code flags["a.b"]} so that paths stay unambiguous.
 */
final class Paths {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_$-]+");

    private Paths() {
    }

    static String field(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    static String key(String parent, String key) {
        if (PLAIN.matcher(key).matches()) {
            return field(parent, key);
        }
        String quoted = "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        return parent + quoted;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }
}
