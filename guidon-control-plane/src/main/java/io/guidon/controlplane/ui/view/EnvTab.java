package io.guidon.controlplane.ui.view;

/** One environment's tab on the flag page: its key and name, the flag's state there, whether it is selected. */
public record EnvTab(String key, String name, boolean enabled, boolean protectedEnvironment, boolean selected,
        String url) {

    /** {@code "page"} for the selected tab's {@code aria-current}, else null. */
    public String current() {
        return selected ? "page" : null;
    }
}
