package io.guidon.controlplane.api;

import io.guidon.json.Pointer;

/**
 * Reads back the text form of a place ({@link Pointer#text()}: {@code flags["a.b"].rules[0].when}) as the pointer
 * it was written from, for the errors that are still built from text ({@link FieldError#FieldError(String, String)}).
 * The form is unambiguous: plain names ({@code [A-Za-z0-9_$-]+}) joined by dots, indexes as {@code [digits]}, any
 * other name as {@code ["..."]} with {@code \} and {@code "} escaped.
 */
final class TextPointer {

    private TextPointer() {
    }

    /** The pointer {@code text} was written from; null when {@code text} is not in that form. */
    static Pointer parse(String text) {
        if (text == null) {
            return null;
        }
        Pointer p = Pointer.ROOT;
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
                while (i < n && plain(text.charAt(i))) {
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

    private static boolean plain(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$'
                || c == '-';
    }
}
