package io.guidon.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A compiled flag document: immutable, indexed by flag key, safe to share between threads without locks.
 * Holders publish a new set by swapping one reference; nothing in a published set changes.
 */
public final class FlagSet {

    public static final FlagSet EMPTY = new FlagSet(new Flag[0], Map.of(), "{\"segments\":{},\"flags\":{}}");

    private final Flag[] flags;
    private final Map<String, Flag> byKey;
    private final Map<String, Segment> segments;
    private final String documentJson;
    private final List<Flag> flagList;
    private final byte[] contentDigest;
    private final String contentHash;
    private final List<EvaluationResult> outcomes;

    FlagSet(Flag[] flags, Map<String, Segment> segments, String documentJson) {
        this.flags = flags;
        Map<String, Flag> index = new HashMap<>(Math.max(16, flags.length * 2));
        for (Flag f : flags) {
            index.put(f.key(), f);
        }
        this.byKey = index;
        this.segments = Collections.unmodifiableMap(new LinkedHashMap<>(segments));
        this.documentJson = documentJson;
        this.flagList = List.of(flags);
        this.outcomes = indexOutcomes(flags);
        // Once per load, on the thread that compiles (never an event loop), so that validators cost nothing later.
        try {
            this.contentDigest = MessageDigest.getInstance("SHA-256").digest(documentJson.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        this.contentHash = Base64.getUrlEncoder().withoutPadding().encodeToString(contentDigest);
    }

    /** The flag with that key, or {@code null}. */
    public Flag flag(String key) {
        return byKey.get(key);
    }

    /** The flags in document order. */
    public List<Flag> flags() {
        return flagList;
    }

    /**
     * Every result an evaluation of this set can return without building one, each once, in document order of the
     * flags; {@link EvaluationResult#index()} is a result's position here. The successes (every variant a flag can
     * serve, by every reason and rule) and the errors decided at load (a rollout's missing targeting key); not the
     * errors an evaluation builds (a flag not found, a failed evaluation), whose index is -1.
     */
    public List<EvaluationResult> outcomes() {
        return outcomes;
    }

    private static List<EvaluationResult> indexOutcomes(Flag[] flags) {
        List<EvaluationResult> all = new ArrayList<>(flags.length * 3);
        Consumer<EvaluationResult> add = r -> {
            // A result shared by several targets or rules is listed once.
            if (r != null && r.index < 0) {
                r.index = all.size();
                all.add(r);
            }
        };
        for (Flag f : flags) {
            add.accept(f.offResult);
            add.accept(f.prerequisiteFailed);
            if (f.targets != null) {
                f.targets.values().forEach(add);
            }
            if (f.rules != null) {
                for (Rule rule : f.rules) {
                    rule.serve().forEachResult(add);
                }
            }
            if (f.fallthrough != null) {
                f.fallthrough.forEachResult(add);
            }
        }
        return Collections.unmodifiableList(all);
    }

    public int size() {
        return flags.length;
    }

    public Set<String> segmentKeys() {
        return segments.keySet();
    }

    /** The document this set was compiled from, as compact JSON (field order kept). */
    public String documentJson() {
        return documentJson;
    }

    /**
     * SHA-256 of {@link #documentJson()}, base64url (43 characters): the same for the same document in any process
     * and after any restart, different (short of a SHA-256 collision) for any other. For entity tags.
     */
    public String contentHash() {
        return contentHash;
    }

    /** Feeds the 32 bytes of {@link #contentHash()} to {@code digest}, for validators that combine it with more. */
    public void updateWithContentHash(MessageDigest digest) {
        digest.update(contentDigest);
    }

    /**
     * The keys of flags whose evaluation may differ between {@code previous} and this set: flags added, removed,
     * changed, or depending (through prerequisites or segments) on something that changed. Sorted.
     */
    public Set<String> changedSince(FlagSet previous) {
        Set<String> changed = new TreeSet<>();
        for (Flag f : flags) {
            Flag old = previous.byKey.get(f.key());
            if (old == null || old.fingerprint != f.fingerprint) {
                changed.add(f.key());
            }
        }
        for (Flag f : previous.flags) {
            if (!byKey.containsKey(f.key())) {
                changed.add(f.key());
            }
        }
        return changed;
    }

    @Override
    public String toString() {
        return "FlagSet" + Arrays.toString(Arrays.stream(flags).map(Flag::key).toArray());
    }
}
