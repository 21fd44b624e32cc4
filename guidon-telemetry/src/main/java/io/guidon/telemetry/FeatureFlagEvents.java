package io.guidon.telemetry;

import io.guidon.engine.ErrorCode;
import io.guidon.engine.Reason;
import io.opentelemetry.api.common.AttributeKey;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The names of the OpenTelemetry semantic conventions for feature flags in events, as of semantic-conventions commit
 * 01d94504 ({@code docs/feature-flags/feature-flags-events.md}, status "release candidate"; OpenFeature's
 * specification, appendix D, maps its evaluation details to the same names): the event name, its attributes and
 * their well-known values. Reasons and error types are written in lower case ("snake_case"), as the conventions
 * list them; Guidon's reasons and error codes are OpenFeature's, so each has its well-known value.
 */
public final class FeatureFlagEvents {

    /** The event name: "The event name MUST be {@code feature_flag.evaluation}". */
    public static final String EVENT_NAME = "feature_flag.evaluation";

    /** Required: the lookup key of the flag. */
    public static final AttributeKey<String> KEY = AttributeKey.stringKey("feature_flag.key");
    /** Conditionally required: the variant, whenever the provider has one (Guidon always does on success). */
    public static final AttributeKey<String> RESULT_VARIANT = AttributeKey.stringKey("feature_flag.result.variant");
    /** Opt-in when a variant is given (values can be large or sensitive); name of the any-typed value attribute. */
    public static final String RESULT_VALUE = "feature_flag.result.value";
    /** Recommended: how the value was determined ({@code static}, {@code targeting_match}, {@code split}, ...). */
    public static final AttributeKey<String> RESULT_REASON = AttributeKey.stringKey("feature_flag.result.reason");
    /** Recommended: identifies the provider. */
    public static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("feature_flag.provider.name");
    /** Recommended: the unique identifier of the evaluation context, the targeting key. */
    public static final AttributeKey<String> CONTEXT_ID = AttributeKey.stringKey("feature_flag.context.id");
    /** Recommended: the flag set the flag belongs to (Guidon: {@code tenant/environment}). */
    public static final AttributeKey<String> SET_ID = AttributeKey.stringKey("feature_flag.set.id");
    /** Recommended: the version of the ruleset (Guidon: the flag set's version). */
    public static final AttributeKey<String> VERSION = AttributeKey.stringKey("feature_flag.version");
    /** Conditionally required: if and only if the evaluation failed. */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** Recommended when an error's type does not say enough: the details, for people. */
    public static final AttributeKey<String> ERROR_MESSAGE = AttributeKey.stringKey("error.message");

    /** {@code error.type} when the provider had no flags yet (not an engine error code). */
    public static final String PROVIDER_NOT_READY = "provider_not_ready";
    /** {@code error.type} when the caller asked for another type than the flag serves. */
    public static final String TYPE_MISMATCH = "type_mismatch";

    private static final Map<Reason, String> REASONS = new EnumMap<>(Reason.class);
    private static final Map<ErrorCode, String> ERRORS = new EnumMap<>(ErrorCode.class);

    static {
        for (Reason r : Reason.values()) {
            REASONS.put(r, r.name().toLowerCase(Locale.ROOT));
        }
        for (ErrorCode e : ErrorCode.values()) {
            ERRORS.put(e, e.name().toLowerCase(Locale.ROOT));
        }
    }

    private FeatureFlagEvents() {
    }

    /** The well-known {@code feature_flag.result.reason} of an engine reason: {@code TARGETING_MATCH} → {@code targeting_match}. */
    public static String reason(Reason reason) {
        return REASONS.get(reason);
    }

    /** The well-known {@code error.type} of an engine error code: {@code FLAG_NOT_FOUND} → {@code flag_not_found}. */
    public static String errorType(ErrorCode code) {
        return ERRORS.get(code);
    }
}
