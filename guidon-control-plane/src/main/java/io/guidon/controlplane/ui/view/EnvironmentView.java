package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.Environment;

/** How the UI reads an environment's attributes that the domain record may not carry yet. */
public final class EnvironmentView {

    private EnvironmentView() {
    }

    /**
     * Whether changes in {@code e} need its key typed to confirm (production, typically).
     *
     * <p>TODO(h-ops): the {@code Environment} record gains {@code protectedEnvironment} on branch h-ops; until that
     * is merged every environment reads as unprotected here, and this one method is the place to wire it.
     */
    public static boolean isProtected(Environment e) {
        return false;
    }
}
