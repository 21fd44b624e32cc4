package io.guidon.controlplane.ui.view;

/**
 * The sign-in page: the form's one-time token (also in its cookie), where to go once signed in, and the error of a
 * failed attempt (null at first).
 */
public record SignInView(Shell shell, String formToken, String next, String error) {
}
