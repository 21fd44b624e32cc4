package io.guidon.controlplane.ui.view;

/** An error page: its status, a short title and what went wrong in words a person acts on. */
public record ErrorView(Shell shell, int status, String title, String detail) {
}
