package io.guidon.controlplane.ui;

/** The markup the UI's tests type into text fields: each must come back as the same text, never as markup. */
final class XssPayloads {

    /** A script element. */
    static final String SCRIPT = "<script>alert(1)</script>";
    /** An attribute break-out into an element with an event handler. */
    static final String IMG = "\"><img src=x onerror=alert(1)>";

    private XssPayloads() {
    }
}
