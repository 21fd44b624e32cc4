package io.guidon.bench;

import io.guidon.engine.EvaluationContext;
import java.util.HashMap;
import java.util.Map;

/**
 * A generated flag document that looks like a real environment's: the three flags benchmarks A-C name, then a mix
 * of static flags, rollouts, rules over several operators, segment rules, prerequisites and disabled flags.
 * Shared with the sidecar's load tests through {@code main} (prints the document for N flags).
 */
public final class MixedDocument {

    private MixedDocument() {
    }

    public static void main(String[] args) {
        System.out.println(json(args.length == 0 ? 100 : Integer.parseInt(args[0])));
    }

    public static String json(int flagCount) {
        StringBuilder sb = new StringBuilder(flagCount * 400);
        sb.append("{\"segments\":{")
                .append("\"beta\":{\"included\":[\"user-1\",\"user-2\",\"user-3\"],\"excluded\":[\"user-9\"],")
                .append("\"rules\":[{\"attribute\":\"email\",\"op\":\"endsWith\",\"values\":[\"@example.com\"]}]},")
                .append("\"eu\":{\"rules\":[{\"attribute\":\"country\",\"op\":\"in\",")
                .append("\"values\":[\"DE\",\"FR\",\"IT\",\"ES\",\"NL\",\"BE\",\"AT\",\"PL\",\"SE\",\"DK\"]}]}")
                .append("},\"flags\":{");
        sb.append("\"bench-static\":{\"enabled\":true,\"variants\":{\"on\":true,\"off\":false},\"offVariant\":\"off\",")
                .append("\"fallthrough\":{\"variant\":\"on\"}},");
        sb.append("\"bench-rollout\":{\"enabled\":true,\"variants\":{\"on\":true,\"off\":false},\"offVariant\":\"off\",")
                .append("\"fallthrough\":{\"rollout\":{\"on\":50,\"off\":50}}},");
        sb.append("\"bench-rule\":{\"enabled\":true,\"variants\":{\"on\":true,\"off\":false},\"offVariant\":\"off\",")
                .append("\"rules\":[{\"id\":\"target\",\"when\":{\"all\":[")
                .append("{\"attribute\":\"country\",\"op\":\"in\",\"values\":[\"US\",\"CA\",\"GB\"]},")
                .append("{\"attribute\":\"plan\",\"op\":\"in\",\"values\":[\"premium\",\"enterprise\"]},")
                .append("{\"attribute\":\"age\",\"op\":\"gte\",\"values\":[18]}]},")
                .append("\"serve\":{\"variant\":\"on\"}}],\"fallthrough\":{\"variant\":\"off\"}}");
        for (int n = 3; n < flagCount; n++) {
            sb.append(',');
            String key = "flag-" + n;
            switch (n % 8) {
                case 0 -> flag(sb, key, true, "{\"variant\":\"on\"}", null, null);
                case 1 -> flag(sb, key, true, "{\"rollout\":{\"on\":" + (n % 100) + ",\"off\":" + (100 - n % 100) + "}}",
                        null, null);
                case 2 -> flag(sb, key, true, "{\"variant\":\"off\"}", null,
                        "[{\"id\":\"plans\",\"when\":{\"attribute\":\"plan\",\"op\":\"in\",\"values\":[\"premium\",\"enterprise\"]},\"serve\":{\"variant\":\"on\"}}]");
                case 3 -> flag(sb, key, true, "{\"variant\":\"off\"}", null,
                        "[{\"id\":\"beta\",\"when\":{\"segment\":\"beta\"},\"serve\":{\"rollout\":{\"on\":50,\"off\":50}}},"
                                + "{\"id\":\"eu\",\"when\":{\"segment\":\"eu\"},\"serve\":{\"variant\":\"on\"}}]");
                case 4 -> flag(sb, key, true, "{\"variant\":\"off\"}", null,
                        "[{\"id\":\"versions\",\"when\":{\"all\":[{\"attribute\":\"appVersion\",\"op\":\"semverGt\",\"values\":[\"2.0.0\"]},"
                                + "{\"attribute\":\"deviceType\",\"op\":\"in\",\"values\":[\"ios\",\"android\"]}]},\"serve\":{\"variant\":\"on\"}}]");
                case 5 -> flag(sb, key, false, "{\"variant\":\"on\"}", null, null);
                case 6 -> flag(sb, key, true, "{\"variant\":\"on\"}", "[{\"flag\":\"bench-static\",\"variant\":\"on\"}]",
                        "[{\"id\":\"emails\",\"when\":{\"any\":[{\"attribute\":\"email\",\"op\":\"matches\",\"values\":[\"@corp\\\\.example$\"]},"
                                + "{\"attribute\":\"email\",\"op\":\"startsWith\",\"values\":[\"admin@\"]}]},\"serve\":{\"variant\":\"off\"}}]");
                default -> flag(sb, key, true, "{\"variant\":\"off\"}", null,
                        "[{\"id\":\"old-accounts\",\"when\":{\"attribute\":\"signupDate\",\"op\":\"before\",\"values\":[\"2020-01-01T00:00:00Z\"]},\"serve\":{\"variant\":\"on\"}},"
                                + "{\"id\":\"big-spenders\",\"when\":{\"attribute\":\"spend\",\"op\":\"gt\",\"values\":[1000]},\"serve\":{\"variant\":\"on\"}}]");
            }
        }
        return sb.append("}}").toString();
    }

    private static void flag(StringBuilder sb, String key, boolean enabled, String fallthrough, String prerequisites,
            String rules) {
        sb.append('"').append(key).append("\":{\"enabled\":").append(enabled)
                .append(",\"variants\":{\"on\":true,\"off\":false},\"offVariant\":\"off\"");
        if (prerequisites != null) {
            sb.append(",\"prerequisites\":").append(prerequisites);
        }
        if (rules != null) {
            sb.append(",\"rules\":").append(rules);
        }
        sb.append(",\"fallthrough\":").append(fallthrough).append('}');
    }

    /** A typical context: a few attributes of each type the document's rules read. */
    public static EvaluationContext context() {
        return context("user-5678");
    }

    /** {@link #context()} with another targeting key. */
    public static EvaluationContext context(String targetingKey) {
        Map<String, Object> m = new HashMap<>();
        m.put("targetingKey", targetingKey);
        m.put("country", "FR");
        m.put("plan", "premium");
        m.put("email", "someone@corp.example");
        m.put("appVersion", "2.4.1");
        m.put("deviceType", "ios");
        m.put("signupDate", "2019-06-01T10:00:00Z");
        m.put("spend", 250);
        m.put("age", 31);
        return EvaluationContext.of(m);
    }
}
