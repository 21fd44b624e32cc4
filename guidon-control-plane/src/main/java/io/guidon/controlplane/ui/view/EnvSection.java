package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.ui.form.FlagConfig;
import java.util.List;
import java.util.Map;

/**
 * A flag's configuration in one environment as the flag page shows it, the part htmx swaps: the on/off switch and
 * the editor (off variant, prerequisites, targets, rules, fallthrough), with the review panel, the 412 explanation
 * or a notice when there is one.
 *
 * @param flagKey the flag
 * @param envKey the environment's key
 * @param envName its name
 * @param protectedEnvironment whether changes there need the environment's key typed to confirm
 * @param revision the configuration's revision the form is based on
 * @param config the configuration shown (as stored, or as submitted)
 * @param variants the flag's variant names, in order
 * @param variantValues each variant's value as short text, for labels
 * @param flagChoices flag keys offered for prerequisites
 * @param prerequisiteVariants the variants of each flag named by a prerequisite (absent: unknown flag)
 * @param ctx ids, errors, focus, segments
 * @param review the review panel, or null
 * @param stale the 412 explanation, or null
 * @param notice a message after an action ("Saved.", "Nothing changed."), or null
 * @param toggleError why the switch did not move (a protected environment not confirmed), or null
 * @param csrf the session's CSRF token
 */
public record EnvSection(String flagKey, String envKey, String envName, boolean protectedEnvironment, int revision,
        FlagConfig config, List<String> variants, Map<String, String> variantValues, List<String> flagChoices,
        Map<String, List<String>> prerequisiteVariants, EditorContext ctx, Review review, Stale stale, String notice,
        String toggleError, String csrf, int requiredApprovals) {

    /** A section of an environment whose changes apply at once. */
    public EnvSection(String flagKey, String envKey, String envName, boolean protectedEnvironment, int revision,
            FlagConfig config, List<String> variants, Map<String, String> variantValues, List<String> flagChoices,
            Map<String, List<String>> prerequisiteVariants, EditorContext ctx, Review review, Stale stale,
            String notice, String toggleError, String csrf) {
        this(flagKey, envKey, envName, protectedEnvironment, revision, config, variants, variantValues, flagChoices,
                prerequisiteVariants, ctx, review, stale, notice, toggleError, csrf, 0);
    }

    /** "Changes here need 2 approvals", or null when they apply at once (docs/adr/0115-approvals.md). */
    public String approvalsNotice() {
        return requiredApprovals <= 0 ? null : "Changes here need " + requiredApprovals + " approval"
                + (requiredApprovals == 1 ? "" : "s") + ": saving or turning the flag on or off proposes a change"
                + " request, applied once other people approved it.";
    }

    /** The open change requests of this environment. */
    public String requestsUrl() {
        return "/ui/change-requests?status=open&env=" + Links.encode(envKey);
    }

    /** The URL the editor form posts to. */
    public String action() {
        return "/ui/flags/" + flagKey + "/env/" + envKey;
    }

    /** The URL the switch posts to. */
    public String toggleAction() {
        return action() + "/toggle";
    }

    /** The id of the element htmx replaces with an answer. */
    public String containerId() {
        return ctx.idPrefix() + "section";
    }

    /** {@code name (value)} for a variant's option. */
    public String variantLabel(String name) {
        String v = variantValues.get(name);
        return v == null ? name + " (not a variant of this flag)" : name + " (" + v + ")";
    }

    /** The variants to offer in a picker, with {@code current} first if the flag does not declare it. */
    public List<String> variantChoices(String current) {
        if (current == null || current.isEmpty() || variants.contains(current)) {
            return variants;
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add(current);
        out.addAll(variants);
        return out;
    }

    /** The variants of the flag prerequisite {@code flag} names, or null when it names no known flag. */
    public List<String> prerequisiteVariantsOf(String flag) {
        return prerequisiteVariants.get(flag);
    }
}
