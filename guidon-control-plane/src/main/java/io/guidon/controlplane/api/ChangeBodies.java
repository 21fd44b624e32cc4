package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Violation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reading of a change from a request, per kind, shared by the routes that make it at once (the body of
 * {@code PUT .../flags/{flag}/enabled}, {@code .../rollout}, {@code PUT .../flags/{flag}}) and those that keep it to
 * make later (a schedule's {@code change}, a change request's): the same fields, the same checks, the same words.
 * A reading gives the {@link ProposedChange} and the request's violations ({@link Read}); the engine's checks come
 * after, in the services, and are answered together with these in one 422.
 *
 * <p>A kept change names its kind ({@code {"kind": "flag.toggle", "enabled": true}}); the kinds are
 * {@link #KINDS}. A kind is a name, the fields its body may have, and a {@link Reader}; adding one (a segment's, a
 * flag definition's) is an entry there.
 */
public final class ChangeBodies {

    /**
     * What a request's change reads as: the change, or null when the body holds none that could be applied (no
     * {@code enabled}, neither or both of {@code percentage} and {@code rollout}, an unknown kind: the violations
     * say why); and every violation of the request found so far (its other members' too, placed in the body),
     * empty when it is fine. A change with violations is still given when it can be judged by the engine, so that
     * one answer lists the request's problems and the engine's.
     */
    public record Read(ProposedChange change, List<Violation> violations) {

        public Read {
            violations = List.copyOf(violations);
        }
    }

    /**
     * Reads one kind's fields from {@code f} (the body, or the object that holds the change) into a change of
     * resource {@code key} in {@code environment} (null for a change of every environment), recording each problem
     * in {@code f}; null when there is nothing that could be applied.
     */
    @FunctionalInterface
    public interface Reader {
        ProposedChange read(Fields f, String environment, String key);
    }

    /**
     * A kind: the fields its body may have (besides {@code kind} in a kept change), how they are read, and the
     * member that names its resource in a change's stored form ({@code flag} or {@code segment}).
     */
    private record Kind(List<String> fields, Reader reader, String resource) {

        Kind(List<String> fields, Reader reader) {
            this(fields, reader, "flag");
        }
    }

    /** The kinds a request can state, by name, in the order they are listed in messages. */
    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("flag.toggle", new Kind(List.of("enabled"), ChangeBodies::toggle));
        KINDS.put("flag.rollout", new Kind(List.of("percentage", "rollout", "bucketBy"), ChangeBodies::rollout));
        KINDS.put("flag.configure", new Kind(List.of(EnvironmentDocument.CONFIG_FIELDS), ChangeBodies::configure));
        KINDS.put("segment.delete", new Kind(List.of(), (f, environment, key) ->
                new ProposedChange.DeleteSegment(environment, key), "segment"));
    }

    private ChangeBodies() {
    }

    /** The kinds {@link #change} reads, in order: {@code flag.toggle}, {@code flag.rollout}, {@code flag.configure}. */
    public static List<String> kinds() {
        return KINDS.entrySet().stream().filter(e -> e.getValue().resource().equals("flag")).map(Map.Entry::getKey)
                .toList();
    }

    /**
     * A kept change, {@code {"kind": ..., <the kind's fields>}}, in {@code f}: a missing or unknown {@code kind} is a
     * violation of it (and the rest is not read); any field the kind does not have is one too.
     */
    public static Read change(Fields f, String environment, String key) {
        return change(f, environment, key, "flag");
    }

    /** {@link #change(Fields, String, String)} of the kinds about {@code resource} ({@code null}: any). */
    private static Read change(Fields f, String environment, String key, String resource) {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        KINDS.forEach((n, k) -> {
            if (resource == null || k.resource().equals(resource)) {
                kinds.put(n, k);
            }
        });
        JsonNode name = f.raw("kind");
        Kind kind = name != null && name.isTextual() ? kinds.get(name.textValue()) : null;
        if (kind == null) {
            String known = String.join(", ", kinds.keySet());
            f.error("kind", name == null ? "required: one of " + known
                    : "must be one of " + known + ", not " + (name.isTextual()
                    ? "'" + io.guidon.json.ValueChecks.printable(name.textValue(), 40) + "'" : Fields.kind(name)));
            return new Read(null, f.violations());
        }
        return read(kind, f, environment, key, List.of("kind"));
    }

    /**
     * A change in its stored form ({@link ProposedChange#toJson()}) in {@code f}: {@code kind}, {@code environment},
     * the resource ({@code flag} or {@code segment}, by kind) and the kind's fields; a change request's
     * {@code change}. Each problem is recorded in {@code f} like {@link #change}'s.
     */
    public static Read stored(Fields f) {
        JsonNode name = f.raw("kind");
        Kind kind = name != null && name.isTextual() ? KINDS.get(name.textValue()) : null;
        if (kind == null) {
            return change(f, null, null, null);
        }
        String environment = f.key("environment");
        String key = f.key(kind.resource());
        return read(kind, f, environment, key, List.of("kind", "environment", kind.resource()));
    }

    /**
     * The body of kind {@code kind}'s direct route, in {@code f}, which may also hold the members
     * {@code alsoAllowed} (read by the route itself: the read-only fields a configuration may send back).
     *
     * @throws IllegalArgumentException for a kind that is not one of {@link #kinds()}
     */
    public static Read body(String kind, Fields f, String environment, String key, String... alsoAllowed) {
        Kind k = KINDS.get(kind);
        if (k == null) {
            throw new IllegalArgumentException("not a kind of change: " + kind);
        }
        return read(k, f, environment, key, List.of(alsoAllowed));
    }

    private static Read read(Kind kind, Fields f, String environment, String key, List<String> alsoAllowed) {
        List<String> allowed = new ArrayList<>(kind.fields());
        allowed.addAll(alsoAllowed);
        f.allow(allowed.toArray(new String[0]));
        ProposedChange change = kind.reader().read(f, environment, key);
        return new Read(change, f.violations());
    }

    /** {@code {"enabled": true}}: the flag turned on or off. */
    static ProposedChange toggle(Fields f, String environment, String flag) {
        Boolean enabled = f.bool("enabled", true);
        return enabled == null ? null : new ProposedChange.Toggle(environment, flag, enabled);
    }

    /**
     * {@code {"percentage": 10}} (a boolean flag's share of true) or {@code {"rollout": {"on": 10, "off": 90}}}
     * (percentages by variant, in order), with an optional {@code bucketBy}: the fallthrough set to a rollout.
     */
    static ProposedChange rollout(Fields f, String environment, String flag) {
        JsonNode percentage = f.raw("percentage");
        JsonNode weights = f.raw("rollout");
        JsonNode bucketBy = f.raw("bucketBy");
        if ((percentage == null) == (weights == null)) {
            f.error("percentage", "give exactly one of percentage (a boolean flag's share of true, 0 to 100) and"
                    + " rollout (percentages by variant)");
        }
        // The engine's rule for a rollout weight, on the exact decimal written (a double would make
        // 10.00000000000000001 a valid 10).
        JsonNode share = null;
        if (percentage != null) {
            String problem = FlagDocumentCompiler.percentageProblem(percentage);
            if (problem != null) {
                f.error("percentage", problem);
            } else {
                share = percentage;
            }
        }
        if (weights != null && !weights.isObject()) {
            f.error("rollout", "must be an object of percentages by variant, such as {\"on\": 10, \"off\": 90}");
        }
        if (bucketBy != null && !bucketBy.isTextual()) {
            f.error("bucketBy", "must be an attribute name, not " + Fields.kind(bucketBy));
        }
        // A request with neither a usable percentage nor usable weights (or both) has nothing to apply; a usable one
        // is judged by the engine too, so that its problems are answered with the request's.
        ObjectNode byVariant = weights != null && weights.isObject() ? (ObjectNode) weights : null;
        if ((share != null) == (byVariant != null)) {
            return null;
        }
        return new ProposedChange.Rollout(environment, flag, share, byVariant,
                bucketBy != null && bucketBy.isTextual() ? bucketBy.textValue() : null);
    }

    /**
     * A flag's whole configuration in an environment: the fields of {@link EnvironmentDocument#CONFIG_FIELDS} as in
     * a flag document ({@code enabled}, {@code offVariant}, {@code rules}, ...), judged by the engine; markup in a
     * rule's description is refused here, like in any other description.
     */
    static ProposedChange configure(Fields f, String environment, String flag) {
        JsonNode rules = f.raw("rules");
        if (rules != null && rules.isArray()) {
            for (int i = 0; i < rules.size(); i++) {
                JsonNode d = rules.get(i).get("description");
                if (d != null && d.isTextual()) {
                    String problem = Text.problem(d.textValue(), Fields.MAX_DESCRIPTION);
                    if (problem != null) {
                        f.error(Pointer.of("rules").index(i).field("description"), problem);
                    }
                }
            }
        }
        ObjectNode config = Json.object();
        for (String field : EnvironmentDocument.CONFIG_FIELDS) {
            JsonNode v = f.node().get(field);
            if (v != null) {
                config.set(field, v);
            }
        }
        return new ProposedChange.Configure(environment, flag, config);
    }
}
