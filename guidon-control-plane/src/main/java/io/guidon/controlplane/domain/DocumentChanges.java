package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.engine.ValidationError;
import io.guidon.json.Pointer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The pure step of every change to flags and segments: an environment's document and a {@link DocumentChange} in,
 * the new document (compiled by the engine) or the violations that refuse the change out. No database, no I/O, no
 * Vert.x: a service reads the document, calls {@link #apply}, and writes what it returns.
 *
 * <p>Violations name their place for the request at hand: an engine error inside the flag or segment the request
 * changes is relative to it ({@code rules[0].serve.variant}), a change of a flag's definition names other places in
 * the environment ({@code environments.production.flags.x.offVariant}), and a deletion says what still needs the
 * deleted flag or segment. The engine's paths are turned into {@link Pointer}s in one place, {@link #where}.
 *
 * <p>Compiling is CPU work (milliseconds for a large document): call {@link #apply} off the event loop.
 */
public final class DocumentChanges {

    /** The definition fields of a flag: errors in them are the request's own when its definition changes. */
    private static final Set<String> DEFINITION_FIELDS = Set.of("description", "tags", "variants", "metadata",
            "salt");
    /** A flag's definition fields that a configuration request may send back, unchanged. */
    private static final List<String> ECHOED_FIELDS = List.of("description", "tags", "variants", "salt", "metadata");
    /** The key a new segment without a (valid) key is judged under, made unique in its document. */
    static final String STAND_IN_SEGMENT = "new-segment";

    private final FlagDocumentCompiler compiler;

    public DocumentChanges(FlagDocumentCompiler compiler) {
        this.compiler = compiler;
    }

    /**
     * What applying a change gave. {@code document} is null when the change could not even be built (a rollout
     * with nothing to apply, a percentage for a flag that is not boolean); else it is the new document and
     * {@code flagSet} its compilation, when the engine accepts it. {@code violations} are empty exactly when the
     * change may be written. {@code changedFlags} names every flag whose evaluation may differ (the change's own
     * flags and those the engine finds changed).
     */
    public record Outcome(EnvironmentDocument document, FlagSet flagSet, List<String> changedFlags,
            List<Violation> violations) {

        public Outcome {
            violations = List.copyOf(violations);
            changedFlags = List.copyOf(new TreeSet<>(changedFlags));
        }

        /** Whether the change may be written. */
        public boolean ok() {
            return document != null && violations.isEmpty();
        }
    }

    /**
     * Applies {@code change} to {@code before}, the document of environment {@code envKey}, and compiles the
     * result. {@code previous} is {@code before} compiled, when the caller has it; else it is compiled here, to
     * name the flags the change affects (sorted). {@code before} is not changed.
     */
    public Outcome apply(String envKey, EnvironmentDocument before, FlagSet previous, DocumentChange change) {
        EnvironmentDocument after = before.copy();
        List<Violation> violations = new ArrayList<>();
        String judged = edit(after, change, violations);
        if (judged == null) {
            return new Outcome(null, null, List.of(), violations);
        }
        Compilation compiled = compiler.compile(after.toJson());
        for (ValidationError e : compiled.ok() ? List.<ValidationError>of() : compiled.errors()) {
            violations.add(violation(envKey, change, judged, e));
        }
        if (!violations.isEmpty()) {
            return new Outcome(after, null, List.of(), violations);
        }
        FlagSet known = previous;
        if (known == null) {
            Compilation old = compiler.compile(before.toJson());
            known = old.ok() ? old.flagSet() : null;
        }
        Set<String> changed = new TreeSet<>(change.flagKeys());
        if (known != null) {
            changed.addAll(compiled.flagSet().changedSince(known));
        }
        return new Outcome(after, compiled.flagSet(), List.copyOf(changed), violations);
    }

    /**
     * Judges a flag definition that no environment's document can hold (a tenant without environments, a request
     * without a valid key): a document of {@code definition} alone with {@code config}. Every violation is relative
     * to the flag when inside it.
     */
    public List<Violation> check(FlagDefinition definition, ObjectNode config) {
        EnvironmentDocument alone = new EnvironmentDocument();
        alone.flags.put(definition.key(), definition);
        alone.configs.put(definition.key(), config);
        Compilation compiled = compiler.compile(alone.toJson());
        List<Violation> violations = new ArrayList<>();
        for (ValidationError e : compiled.ok() ? List.<ValidationError>of() : compiled.errors()) {
            UnaryOperator<Pointer> place = p -> {
                Pointer rel = relative(p, "flags", definition.key());
                return rel != null ? rel : p;
            };
            violations.add(placed(e, place));
        }
        return violations;
    }

    /**
     * Edits {@code d} in place; returns the key of the flag or segment the change is judged under, or null when
     * there is nothing to compile (then {@code violations} may say why).
     */
    private static String edit(EnvironmentDocument d, DocumentChange change, List<Violation> violations) {
        return switch (change) {
            case DocumentChange.CreateFlag c -> {
                d.flags.put(c.definition().key(), c.definition());
                d.configs.put(c.definition().key(), c.config());
                yield c.definition().key();
            }
            case DocumentChange.UpdateFlagDefinition u -> {
                d.flags.put(u.definition().key(), u.definition());
                yield u.definition().key();
            }
            case DocumentChange.DeleteFlag x -> {
                d.flags.remove(x.key());
                d.configs.remove(x.key());
                yield x.key();
            }
            case DocumentChange.ConfigureFlag c -> {
                FlagDefinition def = existing(d, c.key());
                ObjectNode have = EnvironmentDocument.flagObject(def, null);
                for (String field : ECHOED_FIELDS) {
                    JsonNode sent = c.echoed() == null ? null : c.echoed().get(field);
                    JsonNode is = have.get(field);
                    if (sent != null && !sent.isNull() && !sent.equals(is == null ? defaultOf(field) : is)) {
                        violations.add(Violation.of(field, "is part of the flag's definition, the same in every"
                                + " environment: change it with PUT /api/v1/flags/" + def.key()));
                    }
                }
                d.configs.put(c.key(), c.config());
                yield c.key();
            }
            case DocumentChange.Toggle t -> {
                ObjectNode cfg = config(d, t.key()).deepCopy();
                cfg.put("enabled", t.enabled());
                d.configs.put(t.key(), cfg);
                yield t.key();
            }
            case DocumentChange.Rollout r -> {
                ObjectNode rollout = rollout(existing(d, r.key()), r, violations);
                if (rollout == null) {
                    yield null;
                }
                ObjectNode cfg = config(d, r.key()).deepCopy();
                ObjectNode fallthrough = cfg.putObject("fallthrough");
                fallthrough.set("rollout", rollout);
                if (r.bucketBy() != null) {
                    fallthrough.set("bucketBy", r.bucketBy());
                }
                d.configs.put(r.key(), cfg);
                yield r.key();
            }
            case DocumentChange.PutSegment p -> {
                // A request without a valid key is judged under a stand-in key that no segment of the document has.
                String key = p.segment().key() != null ? p.segment().key() : freeKey(d.segments, STAND_IN_SEGMENT);
                Segment s = p.segment();
                d.segments.put(key, new Segment(s.id(), key, s.description(), s.definition(), s.revision(),
                        s.createdAt(), s.updatedAt()));
                yield key;
            }
            case DocumentChange.DeleteSegment x -> {
                d.segments.remove(x.key());
                yield x.key();
            }
        };
    }

    /** The rollout object a rollout change sets, or null (with the violation why, if the request has none yet). */
    private static ObjectNode rollout(FlagDefinition def, DocumentChange.Rollout r, List<Violation> violations) {
        if ((r.percentage() != null) == (r.weights() != null)) {
            return null;
        }
        if (r.weights() != null) {
            return r.weights();
        }
        String on = null;
        String off = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = def.variants().fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isBoolean() && e.getValue().booleanValue() && on == null) {
                on = e.getKey();
            } else if (e.getValue().isBoolean() && !e.getValue().booleanValue() && off == null) {
                off = e.getKey();
            }
        }
        if (on == null || off == null || def.variants().size() != 2) {
            violations.add(Violation.of("percentage", "only a boolean flag (one true and one false variant) takes"
                    + " a percentage; give rollout {variant: percentage, ...} instead"));
            return null;
        }
        BigDecimal share = r.percentage().decimalValue();
        ObjectNode rollout = StoredJson.object();
        // The share as written (an integer stays one), its complement exact.
        rollout.set(on, r.percentage());
        rollout.set(off, r.percentage().isIntegralNumber()
                ? StoredJson.NODES.numberNode(BigDecimal.valueOf(100).subtract(share).toBigIntegerExact())
                : StoredJson.decimal(BigDecimal.valueOf(100).subtract(share)));
        return rollout;
    }

    private static FlagDefinition existing(EnvironmentDocument d, String key) {
        FlagDefinition def = d.flags.get(key);
        if (def == null) {
            throw DomainException.notFound("no flag '" + key + "'");
        }
        return def;
    }

    private static ObjectNode config(EnvironmentDocument d, String key) {
        existing(d, key);
        return d.configs.get(key);
    }

    private static JsonNode defaultOf(String field) {
        return switch (field) {
            case "description" -> StoredJson.NODES.textNode("");
            case "tags" -> StoredJson.array();
            default -> StoredJson.NODES.nullNode();
        };
    }

    /**
     * The engine's error {@code e}, found in environment {@code envKey}, placed for the request that made it. Its
     * own place and the other place its message names (the first of two duplicates) are placed the same way: both
     * relative to the request body when inside the flag or segment the request changes, else as the request names
     * the environment's places.
     */
    private static Violation violation(String envKey, DocumentChange change, String judged, ValidationError e) {
        return switch (change) {
            case DocumentChange.CreateFlag c -> placed(e, definitionPlace(envKey, judged));
            case DocumentChange.UpdateFlagDefinition u -> placed(e, definitionPlace(envKey, judged));
            case DocumentChange.DeleteFlag x -> placed(e, p -> inEnvironment(envKey, p),
                    " (flag '" + x.key() + "' is still needed there)");
            case DocumentChange.DeleteSegment x -> placed(e, UnaryOperator.identity(),
                    " (segment '" + x.key() + "' is still used there)");
            case DocumentChange.PutSegment p -> placed(e, relativeOrWhole("segments", judged));
            case DocumentChange.ConfigureFlag c -> placed(e, relativeOrWhole("flags", judged));
            case DocumentChange.Toggle t -> placed(e, relativeOrWhole("flags", judged));
            case DocumentChange.Rollout r -> placed(e, relativeOrWhole("flags", judged));
        };
    }

    /** {@code e} with its place, and the place its message names, both mapped by {@code place}. */
    static Violation placed(ValidationError e, UnaryOperator<Pointer> place) {
        return placed(e, place, "");
    }

    private static Violation placed(ValidationError e, UnaryOperator<Pointer> place, String suffix) {
        return new Violation(place.apply(e.where()),
                e.message(p -> ValidationError.text(place.apply(p))) + suffix);
    }

    /**
     * Errors in the flag's own definition fields are the request's; anything else names its environment. For a
     * document without an environment ({@code envKey} null) every error of the flag is the request's.
     */
    private static UnaryOperator<Pointer> definitionPlace(String envKey, String flagKey) {
        return where -> {
            Pointer rel = relative(where, "flags", flagKey);
            if (rel != null && (envKey == null || rel.size() > 0 && DEFINITION_FIELDS.contains(rel.token(0)))) {
                return rel;
            }
            return inEnvironment(envKey, where);
        };
    }

    /** A place inside {@code /section/key}, relative to it; any other place, as the document names it. */
    private static UnaryOperator<Pointer> relativeOrWhole(String section, String key) {
        return where -> {
            Pointer rel = relative(where, section, key);
            return rel != null ? rel : where;
        };
    }

    private static Pointer inEnvironment(String envKey, Pointer where) {
        return envKey == null ? where : where.under(Pointer.of("environments", envKey));
    }

    /** The pointer below {@code /section/key} (the engine's place of a flag or segment), or null if outside it. */
    public static Pointer relative(Pointer where, String section, String key) {
        Pointer base = Pointer.of(section, key);
        return where.startsWith(base) ? where.drop(base.size()) : null;
    }

    /** Where the engine's error is, as a pointer into the document (the engine reports pointers, never text). */
    public static Pointer where(ValidationError e) {
        return e.where();
    }

    /** {@code base}, or {@code base-2}, {@code base-3}, ...: the first that is not a key of {@code taken}. */
    static String freeKey(Map<String, ?> taken, String base) {
        String key = base;
        for (int i = 2; taken.containsKey(key); i++) {
            key = base + "-" + i;
        }
        return key;
    }
}
