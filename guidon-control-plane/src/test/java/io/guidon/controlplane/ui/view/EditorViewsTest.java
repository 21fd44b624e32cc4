package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.service.FlagInsights;
import io.guidon.controlplane.ui.form.FormErrors;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The editors' view models: element ids, error wiring for assistive technology, labels, the impact sentence. */
class EditorViewsTest {

    static EditorContext ctx(FormErrors errors, String focus) {
        return new EditorContext("env-production-", true, errors, List.of("beta", "internal"), "/ui/x", "#s", focus);
    }

    @Test
    void idsAreUniquePerFormAndErrorsAreWiredToTheirInputs() {
        FormErrors errors = new FormErrors().add("rules.0.when.all.1.values", "bad");
        EditorContext c = ctx(errors, "up@rules.1");
        assertThat(c.id("rules.0.when.all.1.values")).isEqualTo("env-production-rules-0-when-all-1-values");
        assertThat(c.buttonId("up@rules.1")).isEqualTo("env-production-do-up-rules-1");
        assertThat(c.describedBy("rules.0.when.all.1.values")).isEqualTo("env-production-rules-0-when-all-1-values-error");
        assertThat(c.describedBy("rules.0.when.all.1.values", "hint")).isEqualTo("hint env-production-rules-0-when-all-1-values-error");
        assertThat(c.describedBy("rules.0.id")).isNull();
        assertThat(c.describedBy("rules.0.id", "hint")).isEqualTo("hint");
        assertThat(c.invalid("rules.0.when.all.1.values")).isEqualTo("true");
        assertThat(c.invalid("rules.0.id")).isNull();
        assertThat(c.autofocus("up@rules.1")).isTrue();
        assertThat(c.autofocus("up@rules.2")).isFalse();
        assertThat(c.anchor(null)).isEqualTo("#env-production-summary");
        assertThat(c.segmentChoices("gone")).containsExactly("gone", "beta", "internal");
        assertThat(c.segmentChoices("beta")).containsExactly("beta", "internal");
        assertThat(c.unknownOperator("inn")).isTrue();
        assertThat(c.unknownOperator("in")).isFalse();
    }

    @Test
    void fieldsAreNamedInWordsForTheErrorSummary() {
        assertThat(EditorContext.label("rules.0.when.all.1.values")).isEqualTo("Rule 1, condition 2, values");
        assertThat(EditorContext.label("rules.2.serve.rollout.1.weight")).isEqualTo("Rule 3, serve, percentage 2");
        assertThat(EditorContext.label("fallthrough.rollout")).isEqualTo("Fallthrough, rollout");
        assertThat(EditorContext.label("targets.0.keys")).isEqualTo("Target 1, targeting keys");
        assertThat(EditorContext.label("prerequisites.1.flag")).isEqualTo("Prerequisite 2, flag");
        assertThat(EditorContext.label("rules.0.when.not.op")).isEqualTo("Rule 1, not, operator");
        assertThat(EditorContext.label("variants.1.value")).isEqualTo("Variant 2, value");
        assertThat(EditorContext.label("description")).isEqualTo("Description");
        assertThat(EditorContext.label("rules.0.description")).isEqualTo("Rule 1, description");
        assertThat(EditorContext.label("offVariant")).isEqualTo("Off variant");
    }

    @Test
    void textareasGrowWithTheirLines() {
        assertThat(EditorContext.rows("")).isEqualTo(2);
        assertThat(EditorContext.rows("a\nb\nc")).isEqualTo(4);
        assertThat(EditorContext.rows("x\n".repeat(50))).isEqualTo(10);
    }

    @Test
    void theImpactSaysHowManyRecentUsersWouldMoveAndWhatLimitsTheEstimate() {
        FlagInsights.ChangeImpact none = new FlagInsights.ChangeImpact(3, Instant.EPOCH, 0, false, 0, List.of(),
                List.of());
        assertThat(ImpactView.of(none, "production").headline()).isEqualTo("No user of this flag was seen in"
                + " production in the last 24 hours, so there is nobody to estimate from.");
        FlagInsights.ChangeImpact some = new FlagInsights.ChangeImpact(3, Instant.EPOCH, 200, true, 50, List.of(
                new FlagInsights.Transition("off", "on", 40), new FlagInsights.Transition(null, "on", 10),
                new FlagInsights.Transition("off", "off", 150)), List.of("country"));
        ImpactView v = ImpactView.of(some, "production");
        assertThat(v.headline()).isEqualTo("50 of the 200 most recent users seen in production in the last 24 hours"
                + " (25.0 %) would get another variant.");
        assertThat(v.moves()).containsExactly(new ImpactView.Move("off", "on", 40), new ImpactView.Move("error", "on",
                10));
        assertThat(v.caveat()).contains("most recent ones", "rules on country are not matched");
    }

    @Test
    void tabsAndSectionsSayWhatTheTemplatesNeed() {
        assertThat(new EnvTab("p", "P", true, true, true, "/u").current()).isEqualTo("page");
        assertThat(new EnvTab("p", "P", true, true, false, "/u").current()).isNull();
        EnvSection s = new EnvSection("f", "production", "Production", true, 2, null, List.of("on", "off"),
                java.util.Map.of("on", "true", "off", "false"), List.of(), java.util.Map.of("other", List.of("a")),
                ctx(new FormErrors(), null), null, null, null, null, "t");
        assertThat(s.action()).isEqualTo("/ui/flags/f/env/production");
        assertThat(s.toggleAction()).isEqualTo("/ui/flags/f/env/production/toggle");
        assertThat(s.variantLabel("on")).isEqualTo("on (true)");
        assertThat(s.variantLabel("gone")).isEqualTo("gone (not a variant of this flag)");
        assertThat(s.variantChoices("gone")).containsExactly("gone", "on", "off");
        assertThat(s.prerequisiteVariantsOf("other")).containsExactly("a");
        assertThat(s.prerequisiteVariantsOf("unknown")).isNull();
    }
}
