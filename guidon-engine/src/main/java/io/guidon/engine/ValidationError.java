package io.guidon.engine;

import io.guidon.json.Pointer;
import java.util.Objects;
import java.util.function.Function;

/**
 * One problem in a flag document: where it is, as a JSON Pointer ({@code /flags/a/rules/0/when/op}), and what is
 * wrong. The place stays structured so that a caller validating part of a larger document (the control plane, a flag
 * inside an environment) can re-root it with {@link Pointer#under} or {@link Pointer#drop} rather than parse text;
 * {@link #path()} is the text people read ({@code flags.a.rules[0].when.op}).
 *
 * @param where   the place in the document; {@link Pointer#ROOT} for the document as a whole (it cannot be read,
 *                it is not an object...)
 * @param message what is wrong, in words for the author of the document; when {@code related} is not null, the
 *                message names that other place as {@link #text} writes it (its last occurrence is the place)
 * @param related another place the problem involves (the first of two duplicates), or null; kept structured so a
 *                caller that re-roots {@code where} names this place the same way ({@link #message(Function)})
 */
public record ValidationError(Pointer where, String message, Pointer related) {

    public ValidationError {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(message, "message");
        if (related != null && !message.contains(text(related))) {
            throw new IllegalArgumentException("the message must name the related place " + text(related));
        }
    }

    /** A problem at {@code where} that involves no other place. */
    public ValidationError(Pointer where, String message) {
        this(where, message, null);
    }

    /**
     * The message with the related place (if any) named by {@code naming} instead of as the document's path:
     * a caller that reports {@code where} relative to part of the document names {@code related} the same way.
     */
    public String message(Function<Pointer, String> naming) {
        if (related == null) {
            return message;
        }
        String named = text(related);
        int at = message.lastIndexOf(named);
        return message.substring(0, at) + naming.apply(related) + message.substring(at + named.length());
    }

    /**
     * A problem at {@code pointer}, given as RFC 6901 text: {@code ""} for the document as a whole (a file that
     * cannot be read, a compilation that failed), {@code "/flags/a/enabled"}.
     *
     * @throws IllegalArgumentException if {@code pointer} is not RFC 6901 text (such as the message form
     *         {@code flags.a.enabled})
     */
    public ValidationError(String pointer, String message) {
        this(Pointer.parse(pointer), message);
    }

    /**
     * The place as people read it: {@code flags["a.b"].rules[0].when}, {@code ""} for the whole document; NUL and
     * lone surrogates of a key written {@code \}{@code uXXXX}, so that the text can be printed and stored.
     */
    public String path() {
        return text(where);
    }

    /**
     * Any pointer as {@link #path()} writes it: for a caller that re-roots {@link #where()} (a path relative to one
     * flag, {@code where().drop(2)}) and must print it the same way.
     */
    public static String text(Pointer where) {
        return Texts.printable(where.text());
    }

    @Override
    public String toString() {
        String path = path();
        return path.isEmpty() ? message : path + ": " + message;
    }
}
