package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the compilers of one document have built so far, and what is left to resolve once everything is read: the
 * compiled segments and flags, the references between them with where each is written, and each segment's and
 * flag's {@link Cost.Part}s. Filled by {@link SegmentCompiler}, {@link FlagCompiler} and {@link ConditionCompiler},
 * then read by {@link References}, {@link EvaluationCosts} and {@link Fingerprints}. One per compilation.
 */
final class DocumentParts {

    /** A {@code {"segment": key}} condition, resolved once every segment is compiled, and where it is written. */
    record SegmentReference(Condition.SegmentRef ref, Pointer where) {
    }

    final Map<String, Segment> segments = new LinkedHashMap<>();
    /** Segment -> the segments its rules reference, in order. */
    final Map<String, Set<String>> segmentDeps = new LinkedHashMap<>();
    final Map<String, JsonNode> segmentNodes = new HashMap<>();
    /** Each segment's rules, for the worst-case cost of testing it. */
    final Map<String, List<Cost.Part>> segmentParts = new HashMap<>();
    /** Where each segment references each other segment first: segment -> referenced -> place. */
    final Map<String, Map<String, Pointer>> segmentRefPlaces = new HashMap<>();
    final List<SegmentReference> segmentRefs = new ArrayList<>();

    final Map<String, Flag> flags = new LinkedHashMap<>();
    /** Flag -> the segments its rules reference. */
    final Map<String, Set<String>> flagSegmentDeps = new HashMap<>();
    final Map<String, JsonNode> flagNodes = new HashMap<>();
    /** Each flag's rules and prerequisites, for the worst-case cost of evaluating it. */
    final Map<String, List<Cost.Part>> flagParts = new HashMap<>();
    /** Where each flag's prerequisites are written, in the order of {@code Flag.prerequisites}. */
    final Map<String, List<Pointer>> prerequisitePlaces = new HashMap<>();

    /** Post-orders of the reference graphs (a node after what it references), set by {@link References}. */
    List<String> segmentOrder = List.of();
    List<String> flagOrder = List.of();
    /** Whether a reference graph has a cycle (reported already; costs are then not computed). */
    boolean segmentCycle;
    boolean prerequisiteCycle;
}
