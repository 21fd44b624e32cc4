package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.service.FlagInsights;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The impact estimate of a change as the review shows it: a headline sentence, the moves between variants (the
 * changed ones, largest first, at most 10), and what the estimate cannot see.
 *
 * @param headline how many of the users of the last 24 hours would get another variant, in a sentence
 * @param moves the changed (from, to) pairs with their counts
 * @param caveat what limits the estimate (a capped sample, attributes the sample lacks), or null
 */
public record ImpactView(String headline, List<Move> moves, String caveat) {

    /** Users moving from one variant to another ("error" for an evaluation that fails). */
    public record Move(String from, String to, int count) {
    }

    /** The view of {@code impact} for environment {@code env}. */
    public static ImpactView of(FlagInsights.ChangeImpact impact, String env) {
        if (impact.sampled() == 0) {
            return new ImpactView("No user of this flag was seen in " + env + " in the last 24 hours, so there is"
                    + " nobody to estimate from.", List.of(), null);
        }
        String share = String.format(Locale.ROOT, "%.1f", impact.changedShare() * 100);
        String headline = impact.changed() + " of the " + impact.sampled() + (impact.capped() ? " most recent" : "")
                + " users seen in " + env + " in the last 24 hours (" + share + " %) would get another variant.";
        List<Move> moves = new ArrayList<>();
        for (FlagInsights.Transition t : impact.transitions()) {
            if (t.changed() && moves.size() < 10) {
                moves.add(new Move(t.from() == null ? "error" : t.from(), t.to() == null ? "error" : t.to(),
                        t.count()));
            }
        }
        List<String> caveats = new ArrayList<>();
        if (impact.capped()) {
            caveats.add("the flag had more users than the estimate reads: it counts the most recent ones");
        }
        if (impact.partial()) {
            caveats.add("only their targeting keys are known, so rules on " + String.join(", ",
                    impact.otherAttributes()) + " are not matched for them");
        }
        return new ImpactView(headline, moves, caveats.isEmpty() ? null
                : "An estimate: " + String.join("; ", caveats) + ".");
    }
}
