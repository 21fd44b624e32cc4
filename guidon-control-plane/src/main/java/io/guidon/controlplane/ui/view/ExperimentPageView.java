package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.Experiment;
import io.guidon.controlplane.domain.ExperimentSpec;
import io.guidon.controlplane.domain.MetricSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An experiment's page ({@code /ui/experiments/{id}}): what it compares and how it is analysed, the buttons its
 * status allows, the CSV export, and its results ({@link ExperimentResultsView}; null for a draft, which has none).
 *
 * @param resultsProblem why the results could not be shown (null when they are)
 */
public record ExperimentPageView(Shell shell, Experiment experiment, ExperimentRow row, List<String> variants,
        String analysis, List<String> actions, ExperimentResultsView results, String resultsProblem, String notice,
        String error) {

    public ExperimentPageView {
        variants = List.copyOf(variants);
        actions = List.copyOf(actions);
    }

    /** The page of {@code e}. */
    public static ExperimentPageView of(Shell shell, Experiment e, ExperimentRow row, ExperimentResultsView results,
            String resultsProblem, String notice, String error) {
        return new ExperimentPageView(shell, e, row, variants(e.spec()), analysis(e.spec().analysis()),
                actions(e.status()), results, resultsProblem, notice, error);
    }

    /** The actions an experiment's status allows, in the order of the buttons. */
    public static List<String> actions(Experiment.Status status) {
        return switch (status) {
            case DRAFT -> List.of("start", "delete");
            case RUNNING -> List.of("stop");
            case STOPPED -> List.of("delete");
        };
    }

    /** "off (control, weight 50)", "on (weight 50)". */
    static List<String> variants(ExperimentSpec s) {
        List<String> out = new ArrayList<>();
        for (ExperimentSpec.Variant v : s.variants()) {
            List<String> notes = new ArrayList<>();
            if (v.key().equals(s.controlVariant())) {
                notes.add("control");
            }
            if (v.weight() != null) {
                notes.add("weight " + Figures.number(v.weight()));
            }
            out.add(v.key() + (notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")"));
        }
        return out;
    }

    /** "frequentist, fixed horizon, α 0.05, power 0.8, MDE 5 %, Holm correction, CUPED over P14D". */
    static String analysis(ExperimentSpec.Analysis a) {
        List<String> parts = new ArrayList<>();
        parts.add(MetricSpec.jsonName(a.method()));
        if (a.method() == ExperimentSpec.Method.FREQUENTIST) {
            // A Bayesian answer is read at any time: fixed horizon or sequential is a frequentist choice.
            parts.add(a.sequential() ? "sequential (always-valid)" : "fixed horizon");
        }
        parts.add("α " + Figures.number(a.alpha()));
        parts.add("power " + Figures.number(a.power()));
        if (a.minimumDetectableEffect() != null) {
            parts.add("minimum detectable effect " + Figures.number(a.minimumDetectableEffect() * 100) + " %");
        }
        parts.add(switch (a.correction()) {
            case NONE -> "no correction";
            case HOLM -> "Holm correction";
            case BENJAMINI_HOCHBERG -> "Benjamini–Hochberg correction";
        });
        if (a.cupedPreExposure() != null) {
            parts.add("CUPED over " + Figures.duration(a.cupedPreExposure()));
        }
        return String.join(", ", parts);
    }

    /** "start" → "Start". */
    public static String label(String action) {
        return action.substring(0, 1).toUpperCase(Locale.ROOT) + action.substring(1);
    }

    /** The words asking to confirm an action. */
    public String confirm(String action) {
        ExperimentSpec s = experiment.spec();
        return switch (action) {
            case "start" -> "Start the experiment on " + s.flag() + " in " + s.environment() + " now? Its environment,"
                    + " flag, variants and control can no longer change.";
            case "stop" -> "Stop the experiment now? Exposures and conversions after now are no longer counted.";
            case "delete" -> "Delete the experiment " + s.key() + " and its results? This cannot be undone.";
            default -> null;
        };
    }

    /** The admin API's address of the per-user table for analysts (CSV), for scripts with an API key. */
    public String csvUrl() {
        return "/api/v1/experiments/" + experiment.id() + "/users.csv";
    }

    /** The same table downloaded with the signed-in session. */
    public String csvDownload() {
        return "/ui/experiments/" + experiment.id() + "/users.csv";
    }

    /** Whether the definition can still be edited (everything in draft; metrics and analysis once running). */
    public boolean editable() {
        return experiment.status() != Experiment.Status.STOPPED;
    }
}
