package io.guidon.engine;

import io.guidon.json.Pointer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves what flags and segments reference once every one is compiled: segment references and prerequisites,
 * reported when unknown, in a cycle, or chained deeper than {@link FlagDocumentCompiler#MAX_SEGMENT_DEPTH} or
 * {@link FlagDocumentCompiler#MAX_PREREQUISITE_DEPTH}. Leaves the reference graphs' post-orders in
 * {@link DocumentParts}. Every problem is placed inside the flag or segment concerned (never at the entry alone), so
 * that a path relative to it, the control plane's, is never empty.
 */
final class References {

    private final Problems problems;
    private final DocumentParts parts;

    References(Problems problems, DocumentParts parts) {
        this.problems = problems;
        this.parts = parts;
    }

    void resolve() {
        segments();
        prerequisites();
    }

    private void segments() {
        for (DocumentParts.SegmentReference pending : parts.segmentRefs) {
            Segment s = parts.segments.get(pending.ref().segmentKey);
            if (s == null) {
                problems.error(pending.where(), "unknown segment '" + pending.ref().segmentKey + "'"
                        + (parts.segments.isEmpty() ? ""
                                : " (defined: " + String.join(", ", parts.segments.keySet()) + ")"));
            } else {
                pending.ref().segment = s;
            }
        }
        boolean[] cyclic = new boolean[1];
        parts.segmentOrder = Cycles.find(parts.segmentDeps, (key, cycle) -> {
            cyclic[0] = true;
            // The reference that closes the cycle inside the segment, so that a path relative to the segment
            // (the control plane's) is never empty.
            problems.error(referenceIn(key, cycle.get(1)), "segments reference each other in a cycle: "
                    + String.join(" -> ", cycle));
        });
        if (cyclic[0]) {
            parts.segmentCycle = true;
            return;
        }
        Map<String, Integer> heights = Cycles.heights(parts.segmentDeps, parts.segmentOrder);
        for (String key : parts.segmentOrder) {
            if (heights.get(key) == FlagDocumentCompiler.MAX_SEGMENT_DEPTH + 1) {
                List<String> chain = Cycles.longestChain(parts.segmentDeps, heights, key);
                // At the reference that starts the chain, inside the segment: a path relative to the segment
                // (the control plane's answer to a segment write) is then never empty.
                problems.error(referenceIn(key, chain.get(1)), "segments reference segments "
                        + (FlagDocumentCompiler.MAX_SEGMENT_DEPTH + 1) + " deep: " + String.join(" -> ", chain)
                        + "; a chain has at most " + FlagDocumentCompiler.MAX_SEGMENT_DEPTH + " segments (see "
                        + "\"Limits\" in the flag format)");
            }
        }
    }

    /** Where segment {@code key} first references {@code referenced}, or the segment itself. */
    private Pointer referenceIn(String key, String referenced) {
        Map<String, Pointer> refs = parts.segmentRefPlaces.get(key);
        Pointer at = refs == null ? null : refs.get(referenced);
        return at == null ? Pointer.of("segments", key) : at;
    }

    private void prerequisites() {
        Map<String, Set<String>> graph = new LinkedHashMap<>();
        for (Flag flag : parts.flags.values()) {
            Set<String> targets = new LinkedHashSet<>();
            graph.put(flag.key(), targets);
            List<Pointer> places = parts.prerequisitePlaces.get(flag.key());
            for (int i = 0; i < flag.prerequisites.length; i++) {
                Flag.Prerequisite p = flag.prerequisites[i];
                Pointer at = places.get(i);
                Flag target = parts.flags.get(p.flagKey);
                if (target == null) {
                    problems.error(at.field("flag"), "unknown flag '" + p.flagKey + "'");
                    continue;
                }
                targets.add(p.flagKey);
                p.flag = target;
                p.variant = target.variants().get(p.variantKey);
                if (p.variant == null && !target.variants().isEmpty()) {
                    problems.error(at.field("variant"), "flag '" + p.flagKey + "' has no variant '" + p.variantKey
                            + "' (declared: " + String.join(", ", target.variants().keySet()) + ")");
                }
            }
        }
        boolean[] cyclic = new boolean[1];
        parts.flagOrder = Cycles.find(graph, (key, cycle) -> {
            cyclic[0] = true;
            problems.error(Pointer.of("flags", key, "prerequisites"),
                    "prerequisites form a cycle: " + String.join(" -> ", cycle));
        });
        if (cyclic[0]) {
            parts.prerequisiteCycle = true;
            return;
        }
        Map<String, Integer> heights = Cycles.heights(graph, parts.flagOrder);
        for (String key : parts.flagOrder) {
            // A flag's height counts itself; its prerequisites are one level below it.
            if (heights.get(key) == FlagDocumentCompiler.MAX_PREREQUISITE_DEPTH + 2) {
                problems.error(Pointer.of("flags", key, "prerequisites"), "prerequisites nest "
                        + (FlagDocumentCompiler.MAX_PREREQUISITE_DEPTH + 1) + " levels deep: "
                        + String.join(" -> ", Cycles.longestChain(graph, heights, key)) + "; at most "
                        + FlagDocumentCompiler.MAX_PREREQUISITE_DEPTH + " (see \"Limits\" in the flag format)");
            }
        }
    }
}
