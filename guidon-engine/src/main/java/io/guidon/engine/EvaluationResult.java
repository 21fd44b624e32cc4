package io.guidon.engine;

/**
 * The outcome of evaluating one flag for one context. Immutable; the evaluator returns instances it built
 * once at load (one per flag and outcome), so a successful evaluation allocates nothing. An error is a result
 * too ({@link Reason#ERROR} with an {@link ErrorCode}), never an exception.
 */
public final class EvaluationResult {

    private final String flagKey;
    private final Flag flag;
    private final Variant variant;
    private final Reason reason;
    private final String ruleId;
    private final ErrorCode errorCode;
    private final String errorDetails;
    /**
     * The position in {@link FlagSet#outcomes()} of the set that built this result, or -1 for a result built during
     * an evaluation. Set once by the {@link FlagSet} constructor, before the set is published.
     */
    int index = -1;

    EvaluationResult(Flag flag, Variant variant, Reason reason, String ruleId) {
        this.flagKey = flag.key();
        this.flag = flag;
        this.variant = variant;
        this.reason = reason;
        this.ruleId = ruleId;
        this.errorCode = null;
        this.errorDetails = null;
    }

    private EvaluationResult(String flagKey, Flag flag, ErrorCode errorCode, String errorDetails) {
        this.flagKey = flagKey;
        this.flag = flag;
        this.variant = null;
        this.reason = Reason.ERROR;
        this.ruleId = null;
        this.errorCode = errorCode;
        this.errorDetails = errorDetails;
    }

    static EvaluationResult error(String flagKey, Flag flag, ErrorCode code, String message) {
        return new EvaluationResult(flagKey, flag, code, message);
    }

    public String flagKey() {
        return flagKey;
    }

    /** The evaluated flag, or {@code null} when it was not found. */
    public Flag flag() {
        return flag;
    }

    /** The served variant, or {@code null} for an error. */
    public Variant variant() {
        return variant;
    }

    public String variantKey() {
        return variant == null ? null : variant.key();
    }

    /** The served value, or {@code null} for an error. */
    public Object value() {
        return variant == null ? null : variant.value();
    }

    public Reason reason() {
        return reason;
    }

    /** The id of the rule that decided, or {@code null} when no rule did. */
    public String ruleId() {
        return ruleId;
    }

    public boolean isError() {
        return errorCode != null;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** What went wrong, for people: OpenFeature's and OFREP's {@code errorDetails}; {@code null} unless an error. */
    public String errorDetails() {
        return errorDetails;
    }

    /**
     * Where this result is in {@link FlagSet#outcomes()} of the flag set that built it at load, so that a caller can
     * keep something derived from each outcome (an encoded answer) in an array; -1 when this result was built by an
     * evaluation (a flag not found, an evaluation that failed), and so is not one of the set's outcomes.
     */
    public int index() {
        return index;
    }

    @Override
    public String toString() {
        return isError()
                ? "EvaluationResult[" + flagKey + " ERROR " + errorCode + ": " + errorDetails + "]"
                : "EvaluationResult[" + flagKey + " " + variant.key() + "=" + variant.json() + " " + reason
                        + (ruleId == null ? "" : " rule " + ruleId) + "]";
    }
}
