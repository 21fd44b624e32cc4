package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The page that makes a rollout plan of {@code flag}: the form ({@link RolloutForm}) with the tenant's environments
 * and the flag's variants to choose from, and what the service refused, each problem in the form's terms.
 */
public record RolloutFormView(Shell shell, String flag, List<String> environments, List<String> variants,
        RolloutForm form, List<String> errors) {

    /** "rate", "mean": the kinds a guardrail row offers. */
    public static final List<String> KINDS = List.of("rate", "mean");
    public static final List<String> DIRECTIONS = List.of("lower_is_better", "higher_is_better");
    public static final List<String> SCALES = List.of("relative", "absolute");
}
