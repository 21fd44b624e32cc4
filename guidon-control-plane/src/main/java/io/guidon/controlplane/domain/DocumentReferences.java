package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.engine.EvaluationContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the flags and segments of a flag document (the format of docs/flag-format.md, as
 * {@link EnvironmentDocument#toJson()} makes it) refer to: which segments each flag's rules use, which flags use
 * each segment, and which context attributes evaluating a flag may read. Read from the document's JSON, so it
 * answers for a document as stored, compiled or not; the engine resolves the same references when it compiles
 * (its {@code References} is internal to it). Pure and without I/O.
 *
 * <p>A condition is one of {@code {"all": [...]}}, {@code {"any": [...]}}, {@code {"not": c}},
 * {@code {"segment": key}} or a clause {@code {"attribute", "op", "values"}}; rules of flags hold one in
 * {@code when}, rules of segments are conditions themselves.
 */
public final class DocumentReferences {

    private DocumentReferences() {
    }

    /**
     * Who uses a segment: {@code flags}, whose rules name it (in any nested condition); {@code segments}, whose
     * rules name it; {@code flagsThroughSegments}, the other flags whose rules name a segment that uses it, at any
     * depth. Each sorted by key.
     */
    public record SegmentUsage(List<String> flags, List<String> segments, List<String> flagsThroughSegments) {

        public SegmentUsage {
            flags = List.copyOf(flags);
            segments = List.copyOf(segments);
            flagsThroughSegments = List.copyOf(flagsThroughSegments);
        }

        /** Every flag whose evaluation may read the segment: directly or through other segments, sorted. */
        public List<String> allFlags() {
            SortedSet<String> all = new TreeSet<>(flags);
            all.addAll(flagsThroughSegments);
            return List.copyOf(all);
        }

        /** Whether nothing uses the segment. */
        public boolean unused() {
            return flags.isEmpty() && segments.isEmpty() && flagsThroughSegments.isEmpty();
        }
    }

    /** The segments the rules of {@code flag} (a flag of the format) name, in the order they appear. */
    public static Set<String> segmentsOfFlag(JsonNode flag) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (JsonNode rule : elements(flag, "rules")) {
            conditions(rule.get("when"), out, null);
        }
        return out;
    }

    /** The segments the rules of {@code segment} (a segment of the format) name, in the order they appear. */
    public static Set<String> segmentsOfSegment(JsonNode segment) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (JsonNode rule : elements(segment, "rules")) {
            conditions(rule, out, null);
        }
        return out;
    }

    /**
     * Who uses each segment of {@code document}, for every segment it defines (in its order), in one pass over
     * the document.
     */
    public static Map<String, SegmentUsage> segmentUsage(JsonNode document) {
        Map<String, SortedSet<String>> flagsOf = new LinkedHashMap<>();
        Map<String, SortedSet<String>> segmentsOf = new LinkedHashMap<>();
        for (String key : keys(document, "segments")) {
            flagsOf.put(key, new TreeSet<>());
            segmentsOf.put(key, new TreeSet<>());
        }
        for (Map.Entry<String, JsonNode> f : members(document, "flags")) {
            for (String s : segmentsOfFlag(f.getValue())) {
                flagsOf.computeIfAbsent(s, k -> new TreeSet<>()).add(f.getKey());
            }
        }
        for (Map.Entry<String, JsonNode> s : members(document, "segments")) {
            for (String used : segmentsOfSegment(s.getValue())) {
                segmentsOf.computeIfAbsent(used, k -> new TreeSet<>()).add(s.getKey());
            }
        }
        Map<String, SegmentUsage> out = new LinkedHashMap<>();
        for (String key : keys(document, "segments")) {
            // Every segment that uses this one at any depth, and the flags that name any of them.
            SortedSet<String> through = new TreeSet<>();
            Set<String> seen = new HashSet<>(Set.of(key));
            Deque<String> todo = new ArrayDeque<>(segmentsOf.get(key));
            while (!todo.isEmpty()) {
                String user = todo.pop();
                if (seen.add(user)) {
                    through.addAll(flagsOf.getOrDefault(user, new TreeSet<>()));
                    todo.addAll(segmentsOf.getOrDefault(user, new TreeSet<>()));
                }
            }
            through.removeAll(flagsOf.get(key));
            out.put(key, new SegmentUsage(List.copyOf(flagsOf.get(key)), List.copyOf(segmentsOf.get(key)),
                    List.copyOf(through)));
        }
        return out;
    }

    /**
     * The context attributes, besides the targeting key, that evaluating flag {@code flagKey} of {@code document}
     * may read: the attributes of the clauses of its rules and of the segments they use (at any depth), the
     * {@code bucketBy} of its rollouts, and the same for its prerequisites (at any depth). Sorted; empty when a
     * context holding only a targeting key decides every rule exactly as a full one would. Empty for an unknown flag.
     */
    public static SortedSet<String> attributesBesidesTargetingKey(JsonNode document, String flagKey) {
        SortedSet<String> out = new TreeSet<>();
        JsonNode flags = document.get("flags");
        JsonNode segments = document.get("segments");
        Set<String> seenFlags = new HashSet<>();
        Set<String> seenSegments = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(flagKey));
        while (!todo.isEmpty()) {
            String key = todo.pop();
            JsonNode flag = flags == null ? null : flags.get(key);
            if (flag == null || !seenFlags.add(key)) {
                continue;
            }
            Set<String> used = new java.util.LinkedHashSet<>();
            for (JsonNode rule : elements(flag, "rules")) {
                conditions(rule.get("when"), used, out);
                bucketBy(rule.get("serve"), out);
            }
            bucketBy(flag.get("fallthrough"), out);
            Deque<String> segmentTodo = new ArrayDeque<>(used);
            while (!segmentTodo.isEmpty()) {
                String s = segmentTodo.pop();
                JsonNode segment = segments == null ? null : segments.get(s);
                if (segment != null && seenSegments.add(s)) {
                    Set<String> inner = new java.util.LinkedHashSet<>();
                    for (JsonNode rule : elements(segment, "rules")) {
                        conditions(rule, inner, out);
                    }
                    segmentTodo.addAll(inner);
                }
            }
            for (JsonNode p : elements(flag, "prerequisites")) {
                JsonNode f = p.get("flag");
                if (f != null && f.isTextual()) {
                    todo.add(f.textValue());
                }
            }
        }
        out.remove(EvaluationContext.TARGETING_KEY);
        return out;
    }

    /** Adds the segments {@code c} names to {@code segments} and, unless null, its clauses' attributes to {@code attributes}. */
    private static void conditions(JsonNode c, Set<String> segments, Set<String> attributes) {
        if (c == null || !c.isObject()) {
            return;
        }
        if (c.has("attribute") || c.has("op") || c.has("values")) {
            JsonNode attribute = c.get("attribute");
            if (attributes != null && attribute != null && attribute.isTextual()) {
                attributes.add(attribute.textValue());
            }
            return;
        }
        JsonNode segment = c.get("segment");
        if (segment != null && segment.isTextual()) {
            segments.add(segment.textValue());
        }
        for (String list : List.of("all", "any")) {
            for (JsonNode inner : elements(c, list)) {
                conditions(inner, segments, attributes);
            }
        }
        conditions(c.get("not"), segments, attributes);
    }

    private static void bucketBy(JsonNode serve, Set<String> attributes) {
        JsonNode by = serve == null ? null : serve.get("bucketBy");
        if (by != null && by.isTextual() && serve.has("rollout")) {
            attributes.add(by.textValue());
        }
    }

    private static Iterable<JsonNode> elements(JsonNode node, String field) {
        JsonNode list = node == null ? null : node.get(field);
        return list != null && list.isArray() ? list : List.of();
    }

    private static Iterable<Map.Entry<String, JsonNode>> members(JsonNode node, String field) {
        JsonNode object = node == null ? null : node.get(field);
        return object != null && object.isObject() ? object::fields : List.of();
    }

    private static List<String> keys(JsonNode node, String field) {
        JsonNode object = node == null ? null : node.get(field);
        if (object == null || !object.isObject()) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            out.add(it.next());
        }
        return out;
    }
}
