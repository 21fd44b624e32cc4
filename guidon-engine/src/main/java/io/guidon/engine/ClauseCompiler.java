package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.Locale;
import java.util.Set;

/**
 * Compiles a clause {@code {"attribute", "op", "values"}}: checks the attribute and the operator's name, then hands
 * the values to the operator's own {@link OperatorSpec}. What each operator accepts is its class's business; this
 * class knows no operator by name.
 */
final class ClauseCompiler {

    private static final Set<String> CLAUSE_FIELDS = Set.of("attribute", "op", "values");

    private final Problems problems;
    private final RegexBudget regexes;

    ClauseCompiler(Problems problems, RegexBudget regexes) {
        this.problems = problems;
        this.regexes = regexes;
    }

    /**
     * The clause, or null after reporting its problems. Its cost beyond the one step every condition has
     * ({@link Clause#steps()}) is added to {@code part}, even when the clause has problems.
     */
    Clause compile(JsonNode node, Pointer where, Cost.Part part) {
        problems.unknownFields(node, where, CLAUSE_FIELDS);
        String attribute = problems.requiredString(node, "attribute", where);
        if (attribute != null && (attribute.isEmpty()
                || attribute.length() > FlagDocumentCompiler.MAX_ATTRIBUTE_LENGTH)) {
            problems.error(where.field("attribute"), "must be 1 to " + FlagDocumentCompiler.MAX_ATTRIBUTE_LENGTH
                    + " characters");
            attribute = null;
        }
        String opName = problems.requiredString(node, "op", where);
        Operator op = null;
        if (opName != null) {
            op = Operator.byName(opName);
            if (op == null) {
                String suggestion = suggestOperator(opName);
                problems.error(where.field("op"), "unknown operator '" + opName + "'"
                        + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
            }
        }
        if (op == null) {
            return null;
        }
        int before = problems.count();
        Clause clause = op.spec().compile(
                new OperatorSpec.Input(op, attribute, node.get("values"), where.field("values"), regexes), problems);
        if (clause != null && part != null) {
            // The condition counted one step already; a scanning clause costs more (Clause.steps).
            part.conditions = Cost.add(part.conditions, clause.steps() - 1);
        }
        return problems.count() == before && attribute != null ? clause : null;
    }

    /** The closest operator name within two edits, for "did you mean" hints; {@code null} if none is that close. */
    static String suggestOperator(String name) {
        String best = null;
        int bestDistance = 3;
        for (Operator op : Operator.values()) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), op.jsonName().toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = op.jsonName();
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
