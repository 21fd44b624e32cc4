package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.FlagDefinition;
import java.util.List;

/**
 * The flag page: the flag's definition (shown, and a form for editors), a tab per environment with the flag's state
 * there, and the selected environment's section and its scheduled changes (both null when the tenant has no
 * environment yet), and its rollout plans there.
 */
public record FlagPageView(Shell shell, FlagDefinition flag, List<VariantRow> variants, DefinitionSection definition,
        List<EnvTab> tabs, EnvSection env, ScheduleSection schedules, RolloutListView rollouts, String notice) {

    /** A variant as the definition shows it: its name and value as text. */
    public record VariantRow(String name, String value) {
    }
}
