package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Compiles a flag's {@code prerequisites} ({@code [{"flag", "variant"}]}); the flags they name are resolved once
 * every flag is compiled ({@link References}).
 */
final class PrerequisiteCompiler {

    private static final Set<String> PREREQUISITE_FIELDS = Set.of("flag", "variant");

    private final Problems problems;
    private final DocumentParts parts;

    PrerequisiteCompiler(Problems problems, DocumentParts parts) {
        this.problems = problems;
        this.parts = parts;
    }

    Flag.Prerequisite[] compile(String flagKey, JsonNode node, Pointer where) {
        List<Pointer> places = new ArrayList<>();
        parts.prerequisitePlaces.put(flagKey, places);
        if (node == null || node.isNull()) {
            return new Flag.Prerequisite[0];
        }
        if (!node.isArray()) {
            problems.error(where, "must be an array of {\"flag\", \"variant\"}, not " + kind(node));
            return new Flag.Prerequisite[0];
        }
        if (problems.tooMany(node, FlagDocumentCompiler.MAX_PREREQUISITES, where, "prerequisites")) {
            return new Flag.Prerequisite[0];
        }
        List<Flag.Prerequisite> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode p = node.get(i);
            Pointer at = where.index(i);
            if (!p.isObject()) {
                problems.error(at, "must be an object {\"flag\", \"variant\"}, not " + kind(p));
                continue;
            }
            problems.unknownFields(p, at, PREREQUISITE_FIELDS);
            String f = problems.requiredString(p, "flag", at);
            String v = problems.requiredString(p, "variant", at);
            if (f != null && v != null) {
                places.add(at);
                parts.flagParts.get(flagKey).add(new Cost.Part(at, f));
                out.add(new Flag.Prerequisite(f, v));
            }
        }
        return out.toArray(new Flag.Prerequisite[0]);
    }
}
