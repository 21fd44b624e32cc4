package io.guidon.controlplane.ui.view;

/** A segment's page (or the page that creates one): its section. */
public record SegmentPageView(Shell shell, SegmentSection section) {
}
