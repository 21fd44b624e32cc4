package io.guidon.engine;

import static io.guidon.engine.Problems.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.json.Pointer;
import java.util.Iterator;
import java.util.Map;

/**
 * Compiles a flag's {@code variants} (values by name, all of one type, numbers in their wire form) and resolves the
 * references to them ({@code offVariant}, a target's or a serve's {@code variant}).
 */
final class VariantCompiler {

    private final Problems problems;
    private final JsonValues json;

    VariantCompiler(Problems problems, JsonValues json) {
        this.problems = problems;
        this.json = json;
    }

    /** Puts the variants of {@code node} into {@code out}; the flag's type, or null when none can be told. */
    FlagType compile(JsonNode node, Pointer where, Map<String, Variant> out) {
        if (node == null || node.isNull()) {
            problems.error(where, "required: an object of variant values by name, such as {\"on\": true, \"off\": "
                    + "false}");
            return null;
        }
        if (!node.isObject() || node.isEmpty()) {
            problems.error(where, "must be a non-empty object of variant values by name, not " + kind(node));
            return null;
        }
        FlagType type = null;
        String firstName = null;
        // A number flag with any variant written with a fraction or an exponent is a float flag: every value
        // of it goes on the wire as a decimal, so that typed clients read a double, never an integer.
        boolean decimal = false;
        for (JsonNode v : node) {
            decimal |= v.isNumber() && !v.isIntegralNumber();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Pointer at = where.field(e.getKey());
            if (!FlagDocumentCompiler.NAME.matcher(e.getKey()).matches()) {
                problems.error(at, "invalid variant name '" + e.getKey()
                        + "': use 1 to 128 of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit");
            }
            JsonNode v = e.getValue();
            FlagType t = switch (v.getNodeType()) {
                case BOOLEAN -> FlagType.BOOLEAN;
                case STRING -> FlagType.STRING;
                case NUMBER -> FlagType.NUMBER;
                case OBJECT, ARRAY -> FlagType.OBJECT;
                default -> null;
            };
            if (t == null) {
                problems.error(at, "a variant value must be a boolean, string, number or JSON object, not " + kind(v));
                continue;
            }
            if (v.isArray()) {
                // Still declared below, like a variant of the wrong type. OpenFeature's object values are
                // structures and OFREP refuses arrays, so no client could read it.
                problems.error(at, "an object flag's variant must be a JSON object, not " + kind(v)
                        + " (OpenFeature object values are structures): wrap it, such as {\"items\": [...]}");
            }
            v = JsonValues.wireNumbers(v, at, decimal, problems);
            if (type == null) {
                type = t;
                firstName = e.getKey();
            } else if (t != type) {
                // Still declared below, so that references to it do not report a second, misleading problem.
                problems.error(at, "variant is a " + t.jsonName() + " but variant '" + firstName + "' is a "
                        + type.jsonName() + ": all variants of a flag have one type");
            }
            out.put(e.getKey(), new Variant(e.getKey(), JsonValues.javaValue(v), json.json(v)));
        }
        return type;
    }

    /**
     * The variant {@code node} names; {@code requiredMessage} (null when optional) reports it missing. An unknown
     * name is reported only when the flag has variants (when it has none, that is the problem reported).
     */
    Variant ref(JsonNode node, Pointer where, Map<String, Variant> variants, String requiredMessage) {
        if (node == null || node.isNull()) {
            if (requiredMessage != null) {
                problems.error(where, "required: " + requiredMessage);
            }
            return null;
        }
        if (!node.isTextual()) {
            problems.error(where, "must be a variant name, not " + kind(node));
            return null;
        }
        Variant v = variants.get(node.textValue());
        if (v == null && !variants.isEmpty()) {
            problems.error(where, "variant '" + node.textValue() + "' is not declared (declared: "
                    + String.join(", ", variants.keySet()) + ")");
        }
        return v;
    }
}
