package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Compiles a flag's {@code rules} ({@code [{"id", "description", "when", "serve"}]}), each id once. */
final class RuleCompiler {

    private static final Set<String> RULE_FIELDS = Set.of("id", "description", "when", "serve");

    private final Problems problems;
    private final DocumentParts parts;
    private final ConditionCompiler conditions;
    private final ServeCompiler serves;

    RuleCompiler(Problems problems, DocumentParts parts, ConditionCompiler conditions, ServeCompiler serves) {
        this.problems = problems;
        this.parts = parts;
        this.conditions = conditions;
        this.serves = serves;
    }

    /** The valid rules, in order; {@code deps} collects the segments they reference. */
    Rule[] compile(Flag flag, JsonNode node, Pointer where, Map<String, Variant> variants, Set<String> deps) {
        if (node == null || node.isNull()) {
            return new Rule[0];
        }
        if (!node.isArray()) {
            problems.error(where, "must be an array of rules, not " + kind(node));
            return new Rule[0];
        }
        if (problems.tooMany(node, FlagDocumentCompiler.MAX_RULES, where, "rules")) {
            return new Rule[0];
        }
        List<Rule> out = new ArrayList<>();
        Map<String, Pointer> ids = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode r = node.get(i);
            Pointer at = where.index(i);
            if (!r.isObject()) {
                problems.error(at, "a rule must be an object {\"id\", \"when\", \"serve\"}, not " + kind(r));
                continue;
            }
            problems.unknownFields(r, at, RULE_FIELDS);
            problems.optionalString(r, "description", at);
            String id = problems.requiredString(r, "id", at);
            if (id != null) {
                if (!FlagDocumentCompiler.NAME.matcher(id).matches()) {
                    problems.error(at.field("id"), "invalid rule id '" + id
                            + "': use 1 to 128 of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit");
                }
                Pointer previous = ids.putIfAbsent(id, at);
                if (previous != null) {
                    problems.error(at.field("id"), "duplicate rule id '" + id + "' (also at ", previous, ")");
                }
            }
            JsonNode when = r.get("when");
            Condition condition = null;
            if (when == null || when.isNull()) {
                problems.error(at.field("when"), "required: the condition of the rule");
            } else {
                Cost.Part part = new Cost.Part(at.field("when"), null);
                parts.flagParts.get(flag.key()).add(part);
                condition = conditions.compile(when, at.field("when"), 1, new ConditionCompiler.Scope(part, deps, null));
            }
            JsonNode serveNode = r.get("serve");
            Serve serve = null;
            if (serveNode == null || serveNode.isNull()) {
                problems.error(at.field("serve"), "required: {\"variant\": ...} or {\"rollout\": {...}}");
            } else {
                serve = serves.compile(flag, serveNode, at.field("serve"), variants, id, Reason.TARGETING_MATCH);
            }
            if (condition != null && serve != null && id != null) {
                out.add(new Rule(id, condition, serve));
            }
        }
        return out.toArray(new Rule[0]);
    }
}
