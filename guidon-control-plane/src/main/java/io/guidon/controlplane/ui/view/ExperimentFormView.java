package io.guidon.controlplane.ui.view;

import java.util.List;

/**
 * The experiment editor's page. Until an environment and a flag are chosen ({@code chosen} false) it asks for them
 * (a GET form); then it shows the whole form ({@link ExperimentForm}) with the flag's variants, the tenant's
 * metrics to choose by role, and the analysis.
 *
 * @param flags the tenant's flag keys, to choose from
 * @param metrics the tenant's metrics (key and name)
 * @param stale set when the experiment changed since the form was read (412), else null
 * @param sampleSize for a started experiment, the users per arm its minimum detectable effect needs and how many
 *     the smallest arm has, in words ({@link #sampleSize}); null when unknown
 */
public record ExperimentFormView(Shell shell, ExperimentForm form, boolean chosen, List<String> environments,
        List<String> flags, List<MetricChoice> metrics, long version, String stale, String sampleSize) {

    /** A metric the form offers: its key and, for the label, its name and what it reads. */
    public record MetricChoice(String key, String name, String reads) {
        /** "Checkout conversion (checkout-conversion)". */
        public String label() {
            return name.equals(key) ? key : name + " (" + key + ")";
        }
    }

    public ExperimentFormView {
        environments = List.copyOf(environments);
        flags = List.copyOf(flags);
        metrics = List.copyOf(metrics);
    }

    /**
     * The sample size in words, from the results' progress ({@code p}) for the relative effect {@code mde}: null when
     * the results could not say (no baseline yet).
     */
    public static String sampleSize(io.guidon.controlplane.service.ExperimentAnalysis.Progress p, double mde) {
        if (p == null || p.neededPerArm() == null) {
            return null;
        }
        int percent = p.fraction() == null ? 0 : (int) Math.min(100, Math.floor(p.fraction() * 100));
        return "With the control's baseline so far, a minimum detectable effect of " + Figures.number(mde * 100)
                + " % needs " + Figures.count((long) Math.ceil(p.neededPerArm())) + " users per arm; the smallest arm"
                + " has " + Figures.count(p.smallestArm()) + " (" + percent + " %).";
    }

    /** The page's heading. */
    public String title() {
        return form.editing() ? "Edit experiment " + form.key() : "New experiment";
    }
}
