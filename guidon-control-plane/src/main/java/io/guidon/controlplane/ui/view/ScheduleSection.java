package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The schedules of a flag in one environment, as the flag page shows them under the environment's configuration
 * (and htmx swaps): the pending ones, soonest first, each with a cancel button for editors; the last few that are
 * no longer pending, with what became of them; and, for editors, the form that schedules a toggle or a percentage.
 *
 * @param revision the configuration's revision the page showed (the base of a new schedule)
 * @param errors problems of the whole form (those the service names no field of), shown at its top
 * @param notice a message after an action ("Scheduled ...", "Cancelled."), or null
 */
public record ScheduleSection(String flagKey, String envKey, String envName, boolean protectedEnvironment,
        List<ScheduleRow> pending, List<ScheduleRow> recent, ScheduleForm form, List<String> errors, String notice,
        boolean canEdit, String csrf) {

    /** The URL the form posts to. */
    public String action() {
        return "/ui/flags/" + Links.encode(flagKey) + "/env/" + Links.encode(envKey) + "/schedules";
    }

    /** The id of the section's element (the target of htmx swaps). */
    public String containerId() {
        return "schedules-" + envKey.replace('.', '_');
    }

    /** The prefix of the ids of the form's elements (unique per environment on a page). */
    public String id(String field) {
        return containerId() + "-" + field;
    }

    /** The timezones the form suggests. */
    public List<String> zones() {
        return ScheduleForm.ZONES;
    }

    /** The tenant's calendar of schedules in this environment. */
    public String calendarUrl() {
        return "/ui/schedules?env=" + Links.encode(envKey);
    }
}
