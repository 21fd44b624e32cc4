package io.guidon.controlplane.ui.view;

/**
 * The page of the metric form, creating or editing: the form with its problems at their fields, and the version
 * it was read at when editing (the change's If-Match; 0 when creating). {@code stale} says that the metric changed
 * since the form was read (412), null otherwise.
 */
public record MetricFormView(Shell shell, MetricForm form, long version, String stale) {
}
