package io.guidon.controlplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.ExperimentSpec.Variant;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.StoredJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The planned split of an experiment made without weights: the flag's fallthrough rollout restricted to the compared
 * variants when it gives each a share, else equal weights.
 */
class ExperimentPlannedSplitTest {

    private static EnvironmentFlag flag(String config) {
        FlagDefinition def = new FlagDefinition(1, "f", "", "", List.of(),
                StoredJson.parse("{\"a\": 1, \"b\": 2, \"c\": 3}"), null, null, 1, null, null);
        return new EnvironmentFlag("production", def,
                (com.fasterxml.jackson.databind.node.ObjectNode) StoredJson.parse(config), 1);
    }

    private static final List<Variant> AB = List.of(new Variant("a", null), new Variant("b", null));

    @Test
    void aRolloutOverTheComparedVariantsIsTheirPlannedSplitRestrictedToThem() {
        EnvironmentFlag f = flag("{\"fallthrough\": {\"rollout\": {\"a\": 20, \"b\": 30, \"c\": 50}}}");

        assertThat(ExperimentService.plannedSplit(f, AB)).containsExactly(new Variant("a", 20.0),
                new Variant("b", 30.0));
    }

    @Test
    void aFixedVariantOrARolloutThatGivesAComparedVariantNothingPlansEqualWeights() {
        List<Variant> equal = List.of(new Variant("a", 1.0), new Variant("b", 1.0));

        assertThat(ExperimentService.plannedSplit(flag("{\"fallthrough\": {\"variant\": \"a\"}}"), AB))
                .isEqualTo(equal);
        assertThat(ExperimentService.plannedSplit(flag("{\"fallthrough\": {\"rollout\": {\"a\": 100, \"b\": 0}}}"),
                AB)).isEqualTo(equal);
        assertThat(ExperimentService.plannedSplit(flag("{\"fallthrough\": {\"rollout\": {\"a\": 50, \"c\": 50}}}"),
                AB)).isEqualTo(equal);
        assertThat(ExperimentService.plannedSplit(flag("{}"), AB)).isEqualTo(equal);
    }
}
