package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.json.Pointer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compilation of a parsed document, in the order of the pipeline: the root's fields and every text
 * ({@link TextScan}); each segment ({@link SegmentCompiler}) and each flag ({@link FlagCompiler}), which use the rule,
 * condition, clause, operator, variant, target, prerequisite, serve and rollout compilers; then, with everything
 * read, the references ({@link References}), the worst-case evaluation costs ({@link EvaluationCosts}) and, only for
 * a document without problems, the fingerprints ({@link Fingerprints}). Every part reports to one {@link Problems}.
 * Used once.
 */
final class DocumentCompiler {

    private static final Set<String> ROOT_FIELDS = Set.of("$schema", "segments", "flags");

    private final ObjectMapper mapper;
    private final Problems problems = new Problems();
    private final DocumentParts parts = new DocumentParts();
    private final JsonValues json;
    private final SegmentCompiler segments;
    private final FlagCompiler flags;

    DocumentCompiler(ObjectMapper mapper) {
        this.mapper = mapper;
        this.json = new JsonValues(mapper);
        ConditionCompiler conditions = new ConditionCompiler(problems, parts,
                new ClauseCompiler(problems, new RegexBudget()));
        VariantCompiler variants = new VariantCompiler(problems, json);
        ServeCompiler serves = new ServeCompiler(problems, variants, new RolloutCompiler(problems));
        this.segments = new SegmentCompiler(problems, parts, conditions);
        this.flags = new FlagCompiler(problems, parts, json, variants, new PrerequisiteCompiler(problems, parts),
                new TargetCompiler(problems, variants), new RuleCompiler(problems, parts, conditions, serves), serves);
    }

    Compilation compile(JsonNode root) {
        if (!root.isObject()) {
            problems.error(Pointer.ROOT, "the document must be a JSON object with \"flags\" (and optionally "
                    + "\"segments\"), not " + kind(root));
            return failed();
        }
        problems.unknownFields(root, Pointer.ROOT, ROOT_FIELDS);
        TextScan.scan(root, problems);
        JsonNode segmentsNode = root.get("segments");
        Pointer segmentsAt = Pointer.of("segments");
        if (segmentsNode != null && !segmentsNode.isNull()) {
            if (!segmentsNode.isObject()) {
                problems.error(segmentsAt, "must be an object of segments by key, not " + kind(segmentsNode));
            } else if (!problems.tooMany(segmentsNode, FlagDocumentCompiler.MAX_SEGMENTS, segmentsAt, "segments")) {
                for (Iterator<Map.Entry<String, JsonNode>> it = segmentsNode.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    segments.compile(e.getKey(), e.getValue(), segmentsAt.field(e.getKey()));
                }
            }
        }
        JsonNode flagsNode = root.get("flags");
        Pointer flagsAt = Pointer.of("flags");
        if (flagsNode == null || flagsNode.isNull()) {
            problems.error(flagsAt, "required: an object of flags by key (it may be empty)");
        } else if (!flagsNode.isObject()) {
            problems.error(flagsAt, "must be an object of flags by key, not " + kind(flagsNode));
        } else if (!problems.tooMany(flagsNode, FlagDocumentCompiler.MAX_FLAGS, flagsAt, "flags")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = flagsNode.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                flags.compile(e.getKey(), e.getValue(), flagsAt.field(e.getKey()));
            }
        }
        new References(problems, parts).resolve();
        new EvaluationCosts(problems, parts).check();
        if (!problems.isEmpty()) {
            return failed();
        }
        Fingerprints.compute(parts, json);
        String text;
        try {
            text = mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            problems.error(Pointer.ROOT, "cannot serialize the document: " + e.getOriginalMessage());
            return failed();
        }
        return new Compilation(new FlagSet(parts.flags.values().toArray(new Flag[0]), parts.segments, text),
                List.of());
    }

    private Compilation failed() {
        return new Compilation(null, problems.list());
    }
}
