package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.Environment;

/** How the UI reads an environment's attributes for its pages. */
public final class EnvironmentView {

    private EnvironmentView() {
    }

    /**
     * Whether changes in {@code e} need its key typed to confirm (production, typically): switching a flag there,
     * and saving a configuration there after its review.
     */
    public static boolean isProtected(Environment e) {
        return e.protectedEnvironment();
    }
}
