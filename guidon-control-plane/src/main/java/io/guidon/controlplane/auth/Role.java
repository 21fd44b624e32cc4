package io.guidon.controlplane.auth;

import java.util.Locale;

/**
 * What a key may do. {@code admin} does everything in its tenant, keys included; {@code editor} manages flags and
 * segments; {@code viewer} reads; {@code sidecar} reads the flag document of its one environment and nothing else.
 */
public enum Role {
    VIEWER, EDITOR, ADMIN, SIDECAR;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role's name with its article, for messages: "an admin", "a viewer". */
    public String withArticle() {
        return ("aeiou".indexOf(jsonName().charAt(0)) >= 0 ? "an " : "a ") + jsonName();
    }

    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.jsonName().equals(s)) {
                return r;
            }
        }
        return null;
    }

    /** Whether a key with this role may call a route that needs {@code required}. */
    public boolean satisfies(Role required) {
        if (required == SIDECAR || this == SIDECAR) {
            return this == required;
        }
        return ordinal() >= required.ordinal();
    }
}
