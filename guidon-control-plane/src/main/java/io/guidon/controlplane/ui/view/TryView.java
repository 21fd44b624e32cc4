package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.StoredJson;
import java.util.List;
import java.util.Map;

/**
 * The try-it page of a flag: the environment picker and the context typed (as typed, with what is wrong with it),
 * and the outcome of the last evaluation (null before the first).
 *
 * @param contextError why the context cannot be evaluated (null: nothing), shown next to the textarea
 */
public record TryView(Shell shell, String flag, List<String> environments, String environment, String context,
        String contextError, Outcome outcome) {

    /** What the textarea holds at first: a context with a targeting key and one attribute. */
    public static final String DEFAULT_CONTEXT = "{\n  \"targetingKey\": \"user-1\",\n  \"country\": \"FR\"\n}";

    private static final Map<String, String> REASONS = Map.of(
            "STATIC", "The flag serves one variant to everyone",
            "DEFAULT", "No target or rule applied: the fallthrough served a fixed variant",
            "TARGETING_MATCH", "An individual target or a rule chose the variant",
            "SPLIT", "A percentage rollout chose the variant",
            "DISABLED", "The flag is off, or a prerequisite did not serve its variant: the off variant is served",
            "ERROR", "The evaluation failed: the application gets its own default value");

    /**
     * An evaluation's outcome as shown.
     *
     * @param environment the environment evaluated, at document {@code version}
     * @param value the served value as pretty JSON (null for an error)
     * @param steps the explanation, readable
     */
    public record Outcome(String environment, long version, String value, String variant, String reason,
            String ruleId, String errorCode, String errorDetails, List<TraceView.Step> steps) {

        /** The reason in words. */
        public String reasonText() {
            return REASONS.getOrDefault(reason, "");
        }

        public boolean isError() {
            return errorCode != null;
        }
    }

    /** The outcome of an evaluation in {@code environment}; {@code value} and {@code trace} as the engine gave. */
    public static Outcome outcome(String environment, long version, JsonNode value, String variant, String reason,
            String ruleId, String errorCode, String errorDetails, JsonNode trace) {
        String shown = null;
        if (value != null && !value.isMissingNode()) {
            try {
                shown = StoredJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a tree always serializes", e);
            }
        }
        return new Outcome(environment, version, shown, variant, reason, ruleId, errorCode, errorDetails,
                TraceView.of(trace));
    }

    /** {@code "true"} when the context is not valid (the textarea's {@code aria-invalid}), else null. */
    public String contextInvalid() {
        return contextError == null ? null : "true";
    }

    /** The textarea's {@code aria-describedby}: its hint, and its error when there is one. */
    public String contextDescribedBy() {
        return contextError == null ? "context-hint" : "context-error context-hint";
    }

    /** The form's URL (the page's, without its query). */
    public String action() {
        return Links.flag(flag) + "/try";
    }
}
