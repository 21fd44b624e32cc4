package io.guidon.controlplane.ui.view;

/**
 * A flag's schedules in one environment on a page of their own: what a browser without JavaScript gets back from the
 * schedule form (the flag page shows the same section under the environment's configuration).
 */
public record SchedulePageView(Shell shell, ScheduleSection section) {
}
