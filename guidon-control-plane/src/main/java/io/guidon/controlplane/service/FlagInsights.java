package io.guidon.controlplane.service;

import static io.vertx.core.Future.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.DocumentChange;
import io.guidon.controlplane.domain.DocumentChanges;
import io.guidon.controlplane.domain.DocumentReferences;
import io.guidon.controlplane.domain.DomainException;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.ReadableDiff;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.store.EnvironmentRepository;
import io.guidon.controlplane.store.ExposureRepository;
import io.guidon.engine.ErrorCode;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.engine.Reason;
import io.guidon.json.BoundedJson;
import io.guidon.json.Pointer;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the admin UI tells about a flag beyond its stored state, each answer from the environment's current document
 * compiled by the same engine the sidecars run: what a change of its configuration would change for recent users
 * ({@link #estimate}), how it evaluates for a context ({@link #explain}), which flags use a segment
 * ({@link #flagsUsing}, {@link #segmentUsage}), and a readable diff of a proposed configuration ({@link #diff}).
 * Reads only: nothing here changes a document or writes the audit log. Sequential code for a virtual thread; throws
 * {@link DomainException}.
 */
public final class FlagInsights {

    /** How far back the impact estimate looks at exposures. */
    public static final Duration EXPOSURE_WINDOW = Duration.ofHours(24);
    /** Most distinct targeting keys the impact estimate evaluates (the most recently exposed). */
    public static final int SAMPLE_LIMIT = 50_000;
    /** Most exposure rows read for one estimate (the newest), which bounds its cost on a busy flag. */
    public static final int SCAN_LIMIT = 500_000;
    /** Largest context explained, as compact JSON: a sidecar's default body limit. */
    public static final int MAX_CONTEXT_BYTES = 64 * 1024;
    /** Deepest nesting inside a context: a sidecar's default body depth, less the body's own object. */
    public static final int MAX_CONTEXT_DEPTH = 15;
    /** Most entries in one object or array of a context, and longest string: a sidecar's defaults. */
    public static final int MAX_CONTEXT_ELEMENTS = 1000;
    public static final int MAX_CONTEXT_STRING = 8192;
    /** How many compiled documents are kept (each a whole environment's flags; one per environment and version). */
    public static final int CACHED_DOCUMENTS = 8;

    private final Vertx vertx;
    private final EnvironmentRepository environments;
    private final ExposureRepository exposures;
    private final DocumentChanges changes;
    private final CompiledDocuments documents;
    private final Evaluator evaluator;
    private final InstantSource clock;
    private final int sampleLimit;
    private final int scanLimit;
    /** Reads a context as a sidecar reads a request body: the same typing of numbers, the same limits. */
    private final BoundedJson contextJson = new BoundedJson(MAX_CONTEXT_DEPTH, MAX_CONTEXT_ELEMENTS,
            MAX_CONTEXT_STRING);

    FlagInsights(Vertx vertx, Pool pool, EnvironmentRepository environments, ExposureRepository exposures,
            DocumentChanges changes, FlagDocumentCompiler compiler, Evaluator evaluator, InstantSource clock,
            int cachedDocuments, int sampleLimit, int scanLimit) {
        this.vertx = vertx;
        this.environments = environments;
        this.exposures = exposures;
        this.changes = changes;
        this.documents = new CompiledDocuments(vertx, pool, compiler, cachedDocuments);
        this.evaluator = evaluator;
        this.clock = clock;
        this.sampleLimit = sampleLimit;
        this.scanLimit = scanLimit;
    }

    // ---------------------------------------------------------------- impact of a configuration change

    /**
     * How many recent users a change would move, per (from, to) pair of variants.
     *
     * @param from the variant served now, or null when the evaluation is an error (a rollout by an attribute the
     *        sample lacks: see {@link ChangeImpact#otherAttributes})
     * @param to the variant the new configuration serves, or null likewise
     * @param count how many targeting keys of the sample
     */
    public record Transition(String from, String to, int count) {

        /** Whether these users would get another variant (or lose or gain an error). */
        public boolean changed() {
            return !Objects.equals(from, to);
        }
    }

    /**
     * The estimated effect of a new configuration on the users exposed to the flag recently: each targeting key of
     * the sample evaluated, with a context holding only that key, by the current configuration and by the new one.
     *
     * @param version the environment's document version the estimate compares against (a save based on another
     *        version is refused as stale anyway)
     * @param since the start of the exposure window ({@link #EXPOSURE_WINDOW} before now)
     * @param sampled how many distinct targeting keys were evaluated
     * @param capped whether the sample is cut short (the flag had more users in the window than
     *        {@link #SAMPLE_LIMIT}, or more exposures than {@link #SCAN_LIMIT}): then it holds the most recent ones
     * @param changed how many keys of the sample would get another variant
     * @param transitions every (from, to) pair met, with its count: the changed ones first, then by count, largest
     *        first; their counts sum to {@code sampled}
     * @param otherAttributes the context attributes besides the targeting key that the flag reads, before or after
     *        the change (clauses of its rules and of the segments and prerequisites they use, {@code bucketBy}),
     *        sorted; when not empty the sample's contexts lack them, so rules on them do not match and the estimate
     *        covers only what the targeting key decides (targets, rollouts by it, the fallthrough)
     */
    public record ChangeImpact(long version, Instant since, int sampled, boolean capped, int changed,
            List<Transition> transitions, List<String> otherAttributes) {

        public ChangeImpact {
            transitions = List.copyOf(transitions);
            otherAttributes = List.copyOf(otherAttributes);
        }

        /** Whether the estimate covers only part of the flag's logic (see {@code otherAttributes}). */
        public boolean partial() {
            return !otherAttributes.isEmpty();
        }

        /** {@code changed} as a share of {@code sampled}, 0 to 1 (0 for an empty sample). */
        public double changedShare() {
            return sampled == 0 ? 0 : (double) changed / sampled;
        }
    }

    /**
     * Estimates what saving {@code newConfig} as flag {@code flagKey}'s configuration in environment {@code envKey}
     * would change for the users exposed to it in the last {@link #EXPOSURE_WINDOW}: a sample of at most
     * {@link #SAMPLE_LIMIT} distinct targeting keys (the most recent), each evaluated with the current document and
     * with the document as the save would make it, by the engine. An estimate: contexts hold only the targeting
     * key, and exposures are what sidecars reported.
     *
     * @param newConfig the configuration fields as a save sends them ({@code enabled}, {@code rules},
     *        {@code fallthrough}, ...: {@link EnvironmentDocument#CONFIG_FIELDS})
     * @throws DomainException NOT_FOUND for a missing environment or flag; INVALID with the engine's violations,
     *         placed as a save would place them (relative to the flag), when the save would be refused
     */
    public ChangeImpact estimate(long tenantId, String envKey, String flagKey, ObjectNode newConfig) {
        Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
        CompiledDocuments.Compiled current = documents.current(tenantId, env);
        flagIn(current, flagKey);
        if (newConfig == null) {
            throw DomainException.invalid(new Violation(Pointer.ROOT, "no configuration to estimate"));
        }
        DocumentChange change = new DocumentChange.ConfigureFlag(flagKey, newConfig, null);
        DocumentChanges.Outcome outcome = await(vertx.executeBlocking(
                () -> changes.apply(env.key(), current.document(), current.flagSet(), change), false));
        if (!outcome.ok()) {
            throw DomainException.invalid(outcome.violations().isEmpty()
                    ? List.of(new Violation(Pointer.ROOT, "no configuration to estimate")) : outcome.violations());
        }
        Set<String> attributes = new TreeSet<>(
                DocumentReferences.attributesBesidesTargetingKey(current.json(), flagKey));
        attributes.addAll(DocumentReferences.attributesBesidesTargetingKey(outcome.document().toJson(), flagKey));
        Instant since = clock.instant().minus(EXPOSURE_WINDOW);
        ExposureRepository.KeySample sample = await(exposures.recentTargetingKeys(tenantId, env.id(), flagKey,
                since.atOffset(ZoneOffset.UTC), sampleLimit, scanLimit));
        FlagSet before = current.flagSet();
        FlagSet after = outcome.flagSet();
        List<Transition> transitions = await(vertx.executeBlocking(
                () -> transitions(before, after, flagKey, sample.keys()), false));
        int changed = 0;
        for (Transition t : transitions) {
            changed += t.changed() ? t.count() : 0;
        }
        return new ChangeImpact(current.version(), since, sample.keys().size(), sample.capped(), changed,
                transitions, List.copyOf(attributes));
    }

    /** Each key evaluated by both sets, counted per (from, to); sorted as {@link ChangeImpact#transitions} says. */
    private List<Transition> transitions(FlagSet before, FlagSet after, String flagKey, List<String> keys) {
        Map<List<String>, int[]> counts = new HashMap<>();
        for (String key : keys) {
            EvaluationContext ctx = EvaluationContext.of(Map.of(EvaluationContext.TARGETING_KEY, key));
            String from = evaluator.evaluate(before, flagKey, ctx).variantKey();
            String to = evaluator.evaluate(after, flagKey, ctx).variantKey();
            counts.computeIfAbsent(Arrays.asList(from, to), k -> new int[1])[0]++;
        }
        List<Transition> out = new ArrayList<>(counts.size());
        counts.forEach((pair, n) -> out.add(new Transition(pair.get(0), pair.get(1), n[0])));
        out.sort(Comparator.comparing((Transition t) -> !t.changed())
                .thenComparing(Transition::count, Comparator.reverseOrder())
                .thenComparing(t -> String.valueOf(t.from()))
                .thenComparing(t -> String.valueOf(t.to())));
        return out;
    }

    // ---------------------------------------------------------------- try it

    /**
     * A flag evaluated for a context, and why.
     *
     * @param version the environment's document version evaluated
     * @param value the served value exactly as a sidecar serves it (a float flag's {@code 2.0} stays {@code 2.0});
     *        null for an error
     * @param variant the served variant, null for an error
     * @param reason why (OpenFeature's reasons; {@link Reason#ERROR} for an error)
     * @param ruleId the rule that decided, or null
     * @param errorCode for an error (such as {@link ErrorCode#TARGETING_KEY_MISSING} for a rollout without a
     *        targeting key), else null; {@code errorDetails} says it in words
     * @param trace the engine's explanation (docs/flag-format.md, "Explaining an evaluation"): enabled,
     *        prerequisites, targets, each rule with its clauses and whether they matched, and what served (with the
     *        bucket of a rollout)
     */
    public record Explained(long version, JsonNode value, String variant, Reason reason, String ruleId,
            ErrorCode errorCode, String errorDetails, JsonNode trace) {

        public boolean isError() {
            return errorCode != null;
        }
    }

    /**
     * Evaluates flag {@code flagKey} of environment {@code envKey} for {@code context} with the engine's
     * explanation ({@code Evaluator.explain}), on the environment's current document. The context is read as a
     * sidecar reads {@code "context"} of a request: numbers typed the same way, the same limits.
     *
     * @param context the attributes, a JSON object ({@code targetingKey} a string, when present); null is an empty
     *        context
     * @throws DomainException INVALID naming {@code context} (or the place inside it) when it is not a JSON object,
     *         is larger than {@link #MAX_CONTEXT_BYTES} or another limit, or its targeting key is not a string;
     *         NOT_FOUND for a missing environment or flag
     */
    public Explained explain(long tenantId, String envKey, String flagKey, JsonNode context) {
        EvaluationContext ctx = context(context);
        Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
        CompiledDocuments.Compiled current = documents.current(tenantId, env);
        flagIn(current, flagKey);
        Evaluator.Explanation e = evaluator.explain(current.flagSet(), flagKey, ctx);
        EvaluationResult r = e.result();
        JsonNode value = r.isError() ? null : StoredJson.parse(r.variant().json());
        return new Explained(current.version(), value, r.variantKey(), r.reason(), r.ruleId(), r.errorCode(),
                r.errorDetails(), StoredJson.MAPPER.valueToTree(e.trace()));
    }

    /** {@code context} checked and read as a sidecar reads one; see {@link #explain}. */
    @SuppressWarnings("unchecked")
    EvaluationContext context(JsonNode context) {
        Pointer at = Pointer.of("context");
        if (context == null || context.isMissingNode()) {
            return EvaluationContext.of(Map.of());
        }
        if (!context.isObject()) {
            throw DomainException.invalid(new Violation(at, "must be a JSON object of attributes such as"
                    + " {\"targetingKey\": \"user-1\", \"country\": \"DE\"}, not " + kind(context)));
        }
        byte[] bytes;
        try {
            bytes = StoredJson.MAPPER.writeValueAsBytes(context);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
        if (bytes.length > MAX_CONTEXT_BYTES) {
            throw DomainException.invalid(new Violation(at, "is " + bytes.length + " bytes as JSON; at most "
                    + MAX_CONTEXT_BYTES + " (64 KiB), the most a sidecar takes"));
        }
        Object parsed;
        try {
            parsed = contextJson.parse(bytes);
        } catch (BoundedJson.Rejected e) {
            List<Violation> violations = new ArrayList<>();
            for (BoundedJson.Problem p : e.problems()) {
                Pointer inside = Pointer.fromText(p.path());
                violations.add(new Violation(inside == null ? at : inside.under(at), p.message()));
            }
            throw DomainException.invalid(violations.isEmpty() ? List.of(new Violation(at, e.getMessage()))
                    : violations);
        }
        Map<String, Object> attributes = (Map<String, Object>) parsed;
        Object key = attributes.get(EvaluationContext.TARGETING_KEY);
        if (key != null && !(key instanceof String)) {
            throw DomainException.invalid(new Violation(at.field(EvaluationContext.TARGETING_KEY),
                    "must be a string, not " + kind(context.get(EvaluationContext.TARGETING_KEY))));
        }
        return EvaluationContext.of(attributes);
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case NUMBER -> "a number";
            case STRING -> "a string";
            default -> "an object";
        };
    }

    // ---------------------------------------------------------------- segments

    /**
     * The flags of environment {@code envKey} whose rules use segment {@code segmentKey}, in any nested condition,
     * directly or through other segments; sorted by key.
     *
     * @throws DomainException NOT_FOUND for a missing environment or segment
     */
    public List<String> flagsUsing(long tenantId, String envKey, String segmentKey) {
        DocumentReferences.SegmentUsage usage = segmentUsage(tenantId, envKey).get(segmentKey);
        if (usage == null) {
            throw DomainException.notFound("no segment '" + segmentKey + "' in environment '" + envKey + "'");
        }
        return usage.allFlags();
    }

    /**
     * Who uses each segment of environment {@code envKey} (flags directly, other segments, flags through other
     * segments), for every segment in key order, in one pass over the current document.
     *
     * @throws DomainException NOT_FOUND for a missing environment
     */
    public Map<String, DocumentReferences.SegmentUsage> segmentUsage(long tenantId, String envKey) {
        Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
        return DocumentReferences.segmentUsage(documents.current(tenantId, env).json());
    }

    // ---------------------------------------------------------------- diffs

    /**
     * What saving {@code newConfig} would change in flag {@code flagKey}'s configuration in environment
     * {@code envKey}: the readable diff ({@link ReadableDiff#between}) of its current configuration fields and the
     * new ones, paths relative to the configuration ({@code /rules/1/serve}). Nothing is validated: ask
     * {@link #estimate} or the save for that.
     *
     * @throws DomainException NOT_FOUND for a missing environment or flag
     */
    public List<ReadableDiff.Change> diff(long tenantId, String envKey, String flagKey, ObjectNode newConfig) {
        Environment env = EnvironmentService.found(await(environments.find(tenantId, envKey)), envKey);
        CompiledDocuments.Compiled current = documents.current(tenantId, env);
        flagIn(current, flagKey);
        return ReadableDiff.between(configFields(current.document().configs.get(flagKey)),
                configFields(newConfig));
    }

    /** Only the configuration fields of {@code config}, in their order in the format; null stays null. */
    private static ObjectNode configFields(ObjectNode config) {
        if (config == null) {
            return null;
        }
        ObjectNode out = StoredJson.object();
        for (String f : EnvironmentDocument.CONFIG_FIELDS) {
            JsonNode v = config.get(f);
            if (v != null && !v.isNull()) {
                out.set(f, v);
            }
        }
        return out;
    }

    private static void flagIn(CompiledDocuments.Compiled current, String flagKey) {
        if (!current.document().flags.containsKey(flagKey)) {
            throw DomainException.notFound("no flag '" + flagKey + "'");
        }
    }

    /** How many documents were read and compiled (for tests of the cache). */
    long documentLoads() {
        return documents.loads();
    }
}
