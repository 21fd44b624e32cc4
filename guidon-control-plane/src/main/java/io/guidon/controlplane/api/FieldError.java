package io.guidon.controlplane.api;

import io.guidon.json.Pointer;

/**
 * One problem with a request, as an item of a problem's {@code errors}: where, in two forms, and what is wrong.
 * {@code path} is the text people read ({@code rules[0].serve.variant}, {@code limit}), answered as {@code path};
 * {@code pointer} is the same place as an RFC 6901 JSON Pointer into the request body, or a one-token pointer naming
 * a query or path parameter ({@code /limit}), answered as {@code pointer} so that clients need not parse the text.
 * {@code pointer} is null only when a caller gave text that is not in {@link Pointer#text()}'s form; the answer then
 * has no {@code pointer}.
 */
public record FieldError(String path, String message, Pointer pointer) {

    /**
     * A problem whose place is given as text only (the form {@link Pointer#text()} writes): the pointer is read back
     * from it. Text not in that form (a member name with a dot written unquoted) yields the pointer of what it
     * reads as; prefer {@link #at} or {@link #named}, which know the place.
     */
    public FieldError(String path, String message) {
        this(path, message, Pointer.fromText(path));
    }

    /** A problem at {@code where}; its text is {@link Pointer#text()}. */
    public static FieldError at(Pointer where, String message) {
        return new FieldError(where.text(), message, where);
    }

    /**
     * A problem of the parameter or top-level member {@code name}, written as given (even when it is not plain),
     * with the one-token pointer to it.
     */
    public static FieldError named(String name, String message) {
        return new FieldError(name, message, Pointer.of(name));
    }
}
