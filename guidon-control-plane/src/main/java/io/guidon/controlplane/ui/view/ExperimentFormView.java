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
 */
public record ExperimentFormView(Shell shell, ExperimentForm form, boolean chosen, List<String> environments,
        List<String> flags, List<MetricChoice> metrics, long version, String stale) {

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

    /** The page's heading. */
    public String title() {
        return form.editing() ? "Edit experiment " + form.key() : "New experiment";
    }
}
