package io.guidon.engine;

import java.util.List;
import java.util.Map;

/**
 * A compiled flag, part of a {@link FlagSet}. Read-only once the compiler has published it; the package-private
 * fields are the evaluator's indexed form (resolved prerequisites, a hash map of targets, rule arrays and the
 * result objects every outcome returns).
 */
public final class Flag {

    private final String key;
    private final String description;
    private final FlagType type;
    private final Map<String, Variant> variants;
    private final List<String> tags;
    private final Map<String, Object> metadata;
    private final String metadataJson;
    private final boolean enabled;
    private final String salt;
    final byte[] saltPrefix;

    // Set by the compiler before the FlagSet that holds this flag is constructed.
    EvaluationResult offResult;
    EvaluationResult prerequisiteFailed;
    Prerequisite[] prerequisites;
    Map<String, EvaluationResult> targets;
    Rule[] rules;
    Serve fallthrough;
    long fingerprint;
    /** The worst-case steps of evaluating this flag (see FlagDocumentCompiler.MAX_EVALUATION_STEPS). */
    long evaluationSteps;

    Flag(String key, String description, FlagType type, Map<String, Variant> variants, List<String> tags,
            Map<String, Object> metadata, String metadataJson, boolean enabled, String salt) {
        this.key = key;
        this.description = description;
        this.type = type;
        this.variants = variants;
        this.tags = tags;
        this.metadata = metadata;
        this.metadataJson = metadataJson;
        this.enabled = enabled;
        this.salt = salt;
        this.saltPrefix = Bucketing.saltPrefix(salt);
    }

    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    public FlagType type() {
        return type;
    }

    /** The variants in document order. */
    public Map<String, Variant> variants() {
        return variants;
    }

    public List<String> tags() {
        return tags;
    }

    /** Scalar metadata for clients (served as OFREP flag metadata). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** {@link #metadata()} serialized once at load, {@code {}} when there is none. */
    public String metadataJson() {
        return metadataJson;
    }

    public boolean enabled() {
        return enabled;
    }

    public String salt() {
        return salt;
    }

    /** The served variant when the flag is disabled or a prerequisite fails. */
    public Variant offVariant() {
        return offResult.variant();
    }

    /** True when every context gets the same value: enabled with no prerequisites, targets or rules and a fixed fallthrough. */
    public boolean isStatic() {
        return enabled && offResult != null && fallthrough instanceof Serve.Fixed f
                && f.result.reason() == Reason.STATIC;
    }

    @Override
    public String toString() {
        return "Flag[" + key + "]";
    }

    /** A prerequisite, resolved to the flag and variant it names once every flag is compiled. */
    static final class Prerequisite {
        final String flagKey;
        final String variantKey;
        Flag flag;
        Variant variant;

        Prerequisite(String flagKey, String variantKey) {
            this.flagKey = flagKey;
            this.variantKey = variantKey;
        }
    }
}
