package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.ReadableDiff.Change;
import io.guidon.controlplane.domain.ReadableDiff.Kind;
import io.guidon.json.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Readable diffs of the documents the control plane keeps: one change per rule, target or clause added, removed or
 * edited, placed by JSON Pointer in the document people see, in document order, with the exact values.
 */
class ReadableDiffTest {

    private static JsonNode json(String text) {
        return StoredJson.parse(text.replace('\'', '"'));
    }

    /** "KIND path before -> after", values as compact JSON (null when absent). */
    private static List<String> lines(List<Change> changes) {
        return changes.stream().map(c -> c.kind() + " " + c.path() + " "
                + (c.before() == null ? "-" : StoredJson.write(c.before())) + " -> "
                + (c.after() == null ? "-" : StoredJson.write(c.after()))).toList();
    }

    private static final String RULE_A = "{'id': 'a', 'when': {'attribute': 'country', 'op': 'in', 'values': ['DE']},"
            + " 'serve': {'variant': 'on'}}";
    private static final String RULE_B = "{'id': 'b', 'when': {'segment': 'beta'}, 'serve': {'variant': 'on'}}";
    private static final String RULE_C = "{'id': 'c', 'when': {'attribute': 'plan', 'op': 'in', 'values': ['pro']},"
            + " 'serve': {'rollout': {'on': 50, 'off': 50}}}";

    private static JsonNode config(String rules, String fallthrough) {
        return json("{'enabled': true, 'offVariant': 'off', 'rules': [" + rules + "], 'fallthrough': " + fallthrough
                + "}");
    }

    @Test
    void theSameNumberInAnotherNodeClassIsNoChangeButADifferentWrittenFormIs() {
        var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        JsonNode asInt = nodes.objectNode().set("weight", nodes.numberNode(25));
        JsonNode asLong = nodes.objectNode().set("weight", nodes.numberNode(25L));
        JsonNode asBig = nodes.objectNode().set("weight", nodes.numberNode(java.math.BigInteger.valueOf(25)));
        assertThat(ReadableDiff.between(asInt, asLong)).isEmpty();
        assertThat(ReadableDiff.between(asBig, asInt)).isEmpty();
        assertThat(ReadableDiff.between(json("{'weight': 2}"), json("{'weight': 2.0}"))).hasSize(1);
    }

    @Test
    void aRuleInsertedInTheMiddleIsOneAddedRule() {
        JsonNode before = config(RULE_A + "," + RULE_C, "{'variant': 'off'}");
        JsonNode after = config(RULE_A + "," + RULE_B + "," + RULE_C, "{'variant': 'off'}");
        List<Change> changes = ReadableDiff.between(before, after);
        assertThat(changes).hasSize(1);
        Change c = changes.get(0);
        assertThat(c.kind()).isEqualTo(Kind.ADDED);
        assertThat(c.path()).hasToString("/rules/1");
        assertThat(c.path().text()).isEqualTo("rules[1]");
        assertThat(c.beforePath()).isNull();
        assertThat(c.before()).isNull();
        assertThat(c.after()).isEqualTo(json(RULE_B));
    }

    @Test
    void aRuleRemovedIsPlacedInBeforeAndALaterEditInBothDocuments() {
        JsonNode before = config(RULE_A + "," + RULE_B + "," + RULE_C, "{'variant': 'off'}");
        JsonNode after = config(RULE_A + "," + RULE_C.replace("'on': 50, 'off': 50", "'on': 60, 'off': 40"),
                "{'variant': 'off'}");
        List<Change> changes = ReadableDiff.between(before, after);
        assertThat(lines(changes)).containsExactly(
                "REMOVED /rules/1 " + StoredJson.write(json(RULE_B)) + " -> -",
                "CHANGED /rules/1/serve/rollout/on 50 -> 60",
                "CHANGED /rules/1/serve/rollout/off 50 -> 40");
        assertThat(changes.get(0).beforePath()).hasToString("/rules/1");
        assertThat(changes.get(1).beforePath()).hasToString("/rules/2/serve/rollout/on");
        assertThat(changes.get(2).beforePath()).hasToString("/rules/2/serve/rollout/off");
    }

    @Test
    void severalRulesRemovedEachNameTheirOwnPlaceInBefore() {
        JsonNode before = config(RULE_A + "," + RULE_B + "," + RULE_C, "{'variant': 'off'}");
        JsonNode after = config(RULE_C, "{'variant': 'off'}");
        List<Change> changes = ReadableDiff.between(before, after);
        assertThat(changes).extracting(Change::kind).containsExactly(Kind.REMOVED, Kind.REMOVED);
        assertThat(changes).extracting(c -> c.path().toString()).containsExactly("/rules/0", "/rules/1");
        assertThat(changes).extracting(c -> c.before().get("id").asText()).containsExactly("a", "b");
    }

    @Test
    void aRolloutFrom10To25PercentIsTwoChangedShares() {
        List<Change> changes = ReadableDiff.between(config("", "{'rollout': {'on': 10, 'off': 90}}"),
                config("", "{'rollout': {'on': 25, 'off': 75}}"));
        assertThat(lines(changes)).containsExactly("CHANGED /fallthrough/rollout/on 10 -> 25",
                "CHANGED /fallthrough/rollout/off 90 -> 75");
    }

    @Test
    void aServedVariantTurnedIntoARolloutIsTheVariantRemovedAndTheRolloutAdded() {
        List<Change> changes = ReadableDiff.between(config("", "{'variant': 'off'}"),
                config("", "{'rollout': {'on': 10, 'off': 90}, 'bucketBy': 'companyId'}"));
        assertThat(lines(changes)).containsExactly("REMOVED /fallthrough/variant \"off\" -> -",
                "ADDED /fallthrough/rollout - -> {\"on\":10,\"off\":90}",
                "ADDED /fallthrough/bucketBy - -> \"companyId\"");
    }

    @Test
    void variantsOfARolloutOnlyReorderedAreAChangeOfTheWholeRolloutSinceTheBucketsMove() {
        List<Change> changes = ReadableDiff.between(config("", "{'rollout': {'on': 10, 'off': 90}}"),
                config("", "{'rollout': {'off': 90, 'on': 10}}"));
        assertThat(lines(changes)).containsExactly(
                "CHANGED /fallthrough/rollout {\"on\":10,\"off\":90} -> {\"off\":90,\"on\":10}");
        // Reordered and changed: still one change, the whole rollout.
        changes = ReadableDiff.between(config(RULE_C, "{'variant': 'off'}"),
                config(RULE_C.replace("'on': 50, 'off': 50", "'off': 40, 'on': 60"), "{'variant': 'off'}"));
        assertThat(lines(changes)).containsExactly(
                "CHANGED /rules/0/serve/rollout {\"on\":50,\"off\":50} -> {\"off\":40,\"on\":60}");
    }

    @Test
    void aRuleMovedIsRemovedWhereItWasAndAddedWhereItIsSinceTheOrderOfRulesDecides() {
        List<Change> changes = ReadableDiff.between(config(RULE_A + "," + RULE_B + "," + RULE_C, "{'variant': 'off'}"),
                config(RULE_B + "," + RULE_C + "," + RULE_A, "{'variant': 'off'}"));
        assertThat(changes).extracting(c -> c.kind() + " " + c.path() + " " + c.beforePath())
                .containsExactly("REMOVED /rules/0 /rules/0", "ADDED /rules/2 null");
        assertThat(changes.get(1).after()).isEqualTo(json(RULE_A));
    }

    @Test
    void aRolloutReorderedInsideAListWithoutIdentitiesIsFoundToo() {
        List<Change> changes = ReadableDiff.between(json("{'steps': [{'rollout': {'a': 1, 'b': 99}}, 'x']}"),
                json("{'steps': [{'rollout': {'b': 99, 'a': 1}}, 'x']}"));
        assertThat(lines(changes)).containsExactly(
                "CHANGED /steps/0/rollout {\"a\":1,\"b\":99} -> {\"b\":99,\"a\":1}");
    }

    @Test
    void membersOfOtherObjectsReorderedAreNoChange() {
        assertThat(ReadableDiff.between(json("{'variants': {'on': true, 'off': false}, 'enabled': true}"),
                json("{'enabled': true, 'variants': {'off': false, 'on': true}}"))).isEmpty();
    }

    @Test
    void aTargetKeyAddedInTheMiddleOfItsListIsOneAddedValue() {
        JsonNode before = json("{'targets': [{'variant': 'on', 'values': ['u1', 'u3']},"
                + " {'variant': 'off', 'values': ['u9']}]}");
        JsonNode after = json("{'targets': [{'variant': 'on', 'values': ['u1', 'u2', 'u3']},"
                + " {'variant': 'off', 'values': ['u9']}]}");
        assertThat(lines(ReadableDiff.between(before, after))).containsExactly(
                "ADDED /targets/0/values/1 - -> \"u2\"");
        // A whole target added first: the other targets move, but only the new one is a change.
        JsonNode first = json("{'targets': [{'variant': 'x', 'values': ['u0']}, {'variant': 'on', 'values': ['u1',"
                + " 'u3']}, {'variant': 'off', 'values': ['u9']}]}");
        assertThat(lines(ReadableDiff.between(before, first))).containsExactly(
                "ADDED /targets/0 - -> {\"variant\":\"x\",\"values\":[\"u0\"]}");
    }

    @Test
    void aClauseDeepInNestedConditionsIsNamedByItsFullPath() {
        String when = "{'all': [{'segment': 'internal'}, {'not': {'attribute': 'status', 'op': 'in', 'values':"
                + " ['blocked']}}, {'any': [{'attribute': 'plan', 'op': 'in', 'values': ['premium']},"
                + " {'attribute': 'seats', 'op': 'gte', 'values': [50]}]}]}";
        JsonNode before = json("{'rules': [{'id': 'r', 'when': " + when + ", 'serve': {'variant': 'on'}}]}");
        JsonNode after = json("{'rules': [{'id': 'r', 'when': " + when.replace("[50]", "[100]")
                .replace("['blocked']", "['blocked', 'suspended']") + ", 'serve': {'variant': 'on'}}]}");
        List<Change> changes = ReadableDiff.between(before, after);
        assertThat(lines(changes)).containsExactly(
                "ADDED /rules/0/when/all/1/not/values/1 - -> \"suspended\"",
                "CHANGED /rules/0/when/all/2/any/1/values/0 50 -> 100");
        assertThat(changes.get(1).path().text()).isEqualTo("rules[0].when.all[2].any[1].values[0]");
    }

    @Test
    void markupQuotesAndUnicodeAreKeptExactlyInValuesAndMemberNames() {
        String nasty = "<script>alert(\"x\")</script> ' & \u00e9\u4e2d\ud83d\ude00 \u202e";
        ObjectNode before = StoredJson.object();
        before.put("description", "old");
        before.putObject("metadata").put("a/b~c", "v");
        ObjectNode after = StoredJson.object();
        after.put("description", nasty);
        after.putObject("metadata").put("a/b~c", nasty).put("<b>", 1);
        List<Change> changes = ReadableDiff.between(before, after);
        assertThat(changes).hasSize(3);
        assertThat(changes.get(0).after().textValue()).isEqualTo(nasty);
        assertThat(changes.get(1).path()).isEqualTo(Pointer.of("metadata", "a/b~c"));
        assertThat(changes.get(1).path()).hasToString("/metadata/a~1b~0c");
        assertThat(changes.get(1).before().textValue()).isEqualTo("v");
        assertThat(changes.get(1).after().textValue()).isEqualTo(nasty);
        assertThat(changes.get(2).kind()).isEqualTo(Kind.ADDED);
        assertThat(changes.get(2).path()).isEqualTo(Pointer.of("metadata", "<b>"));
    }

    @Test
    void numbersKeepTheirKindAndScale() {
        List<Change> changes = ReadableDiff.between(json("{'variants': {'a': 2.0, 'b': 1.50, 'c': 7}}"),
                json("{'variants': {'a': 2, 'b': 1.50, 'c': 7.0}}"));
        assertThat(lines(changes)).containsExactly("CHANGED /variants/a 2.0 -> 2", "CHANGED /variants/c 7 -> 7.0");
        assertThat(changes.get(0).before().isIntegralNumber()).isFalse();
        assertThat(changes.get(0).after().isIntegralNumber()).isTrue();
        assertThat(ReadableDiff.between(json("{'x': 1.50}"), json("{'x': 1.50}"))).isEmpty();
    }

    @Test
    void aCreationListsEveryMemberAsAddedAndADeletionAsRemovedInDocumentOrder() {
        JsonNode segment = json("{'key': 'beta', 'description': '', 'included': ['u1'], 'rules': []}");
        assertThat(ReadableDiff.between(null, segment)).extracting(c -> c.kind() + " " + c.path())
                .containsExactly("ADDED /key", "ADDED /description", "ADDED /included", "ADDED /rules");
        assertThat(ReadableDiff.between(segment, null)).extracting(c -> c.kind() + " " + c.path())
                .containsExactly("REMOVED /key", "REMOVED /description", "REMOVED /included", "REMOVED /rules");
        assertThat(ReadableDiff.between(null, null)).isEmpty();
        // As an audit entry has them: a JSON null for the side that does not exist.
        assertThat(ReadableDiff.between(StoredJson.NODES.nullNode(), segment))
                .isEqualTo(ReadableDiff.between(null, segment));
        assertThat(ReadableDiff.between(segment, StoredJson.NODES.nullNode()))
                .isEqualTo(ReadableDiff.between(segment, null));
        assertThat(ReadableDiff.between(segment, segment.deepCopy())).isEmpty();
        assertThat(lines(ReadableDiff.between(null, json("'text'")))).containsExactly("ADDED  - -> \"text\"");
        assertThat(lines(ReadableDiff.between(json("[1]"), json("{'a': 1}"))))
                .containsExactly("CHANGED  [1] -> {\"a\":1}");
    }

    @Test
    void aRemovedMemberStandsWhereItWasAmongTheOthers() {
        List<Change> changes = ReadableDiff.between(json("{'a': 1, 'b': 2, 'c': 3, 'd': 4}"),
                json("{'a': 10, 'c': 3, 'e': 5, 'd': 40}"));
        assertThat(lines(changes)).containsExactly("CHANGED /a 1 -> 10", "REMOVED /b 2 -> -", "ADDED /e - -> 5",
                "CHANGED /d 4 -> 40");
    }

    @Test
    void anAuditEntrysViewsAreDiffedLikeAnyDocument() {
        JsonNode before = json("{'key': 'checkout', 'environment': 'production', 'enabled': false, 'revision': 3,"
                + " 'targets': [], 'fallthrough': {'variant': 'off'}}");
        JsonNode after = json("{'key': 'checkout', 'environment': 'production', 'enabled': true, 'revision': 4,"
                + " 'targets': [{'variant': 'on', 'values': ['u1']}], 'fallthrough': {'variant': 'off'}}");
        assertThat(lines(ReadableDiff.between(before, after))).containsExactly("CHANGED /enabled false -> true",
                "CHANGED /revision 3 -> 4", "ADDED /targets/0 - -> {\"variant\":\"on\",\"values\":[\"u1\"]}");
    }

    @Test
    void theArgumentsAreNotChanged() {
        JsonNode before = config(RULE_A + "," + RULE_B, "{'rollout': {'on': 10, 'off': 90}}");
        JsonNode after = config(RULE_B + "," + RULE_C, "{'rollout': {'off': 75, 'on': 25}}");
        JsonNode b = before.deepCopy();
        JsonNode a = after.deepCopy();
        assertThat(ReadableDiff.between(before, after)).isNotEmpty();
        assertThat(before).isEqualTo(b);
        assertThat(after).isEqualTo(a);
        assertThat(StoredJson.write(after)).isEqualTo(StoredJson.write(a));
    }

    @Test
    void aLongListWithAFewEditsIsJustThoseEdits() {
        ArrayNode before = StoredJson.array();
        for (int i = 0; i < 5000; i++) {
            before.add("user-" + i);
        }
        ArrayNode after = before.deepCopy();
        after.remove(4000);
        after.insert(2500, "new-user");
        after.set(10, StoredJson.NODES.textNode("user-10b"));
        ObjectNode b = StoredJson.object();
        b.set("included", before);
        ObjectNode a = StoredJson.object();
        a.set("included", after);
        List<Change> changes = ReadableDiff.between(b, a);
        assertThat(lines(changes)).containsExactly("CHANGED /included/10 \"user-10\" -> \"user-10b\"",
                "ADDED /included/2500 - -> \"new-user\"", "REMOVED /included/4000 \"user-4000\" -> -");
    }

    /**
     * For random edits of a flag-like document: every change's values are what the documents hold at its places,
     * and identical documents have none.
     */
    @Test
    void everyChangeNamesTheValuesAtItsPlacesInBothDocuments() {
        Random random = new Random(20261125);
        for (int round = 0; round < 500; round++) {
            JsonNode before = randomValue(random, 0);
            JsonNode after = mutate(random, before.deepCopy(), 0);
            List<Change> changes = ReadableDiff.between(before, after);
            if (StoredJson.write(before).equals(StoredJson.write(after))) {
                assertThat(changes).as("round %d", round).isEmpty();
            }
            for (Change c : changes) {
                if (c.kind() != Kind.ADDED) {
                    assertThat(at(before, c.beforePath())).as("round %d: %s", round, c).isEqualTo(c.before());
                }
                if (c.kind() != Kind.REMOVED) {
                    assertThat(at(after, c.path())).as("round %d: %s", round, c).isEqualTo(c.after());
                } else {
                    assertThat(c.path()).isEqualTo(c.beforePath());
                }
            }
        }
    }

    private static JsonNode at(JsonNode doc, Pointer p) {
        JsonNode n = doc;
        for (int i = 0; i < p.size(); i++) {
            n = p.isIndex(i) && n.isArray() ? n.get(Integer.parseInt(p.token(i))) : n.get(p.token(i));
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    private static final String[] NAMES = {"rules", "when", "all", "values", "rollout", "on", "off", "id", "a/b",
            "<x>"};

    private static JsonNode randomValue(Random r, int depth) {
        int kind = depth >= 4 ? r.nextInt(4) : r.nextInt(6);
        return switch (kind) {
            case 0 -> StoredJson.NODES.textNode("s" + r.nextInt(5));
            case 1 -> StoredJson.NODES.numberNode(r.nextInt(5));
            case 2 -> StoredJson.NODES.booleanNode(r.nextBoolean());
            case 3 -> StoredJson.NODES.nullNode();
            case 4 -> {
                ArrayNode a = StoredJson.array();
                for (int i = r.nextInt(5); i > 0; i--) {
                    a.add(randomValue(r, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = StoredJson.object();
                for (int i = r.nextInt(5); i > 0; i--) {
                    o.set(NAMES[r.nextInt(NAMES.length)], randomValue(r, depth + 1));
                }
                yield o;
            }
        };
    }

    private static JsonNode mutate(Random r, JsonNode n, int depth) {
        if (r.nextInt(6) == 0 || !n.isContainerNode()) {
            return r.nextInt(3) == 0 ? randomValue(r, depth) : n;
        }
        if (n.isArray()) {
            ArrayNode a = (ArrayNode) n;
            List<JsonNode> items = new ArrayList<>();
            a.forEach(items::add);
            for (int i = 0; i < items.size(); i++) {
                items.set(i, mutate(r, items.get(i), depth + 1));
            }
            if (!items.isEmpty() && r.nextBoolean()) {
                items.remove(r.nextInt(items.size()));
            }
            if (r.nextBoolean()) {
                items.add(r.nextInt(items.size() + 1), randomValue(r, depth + 1));
            }
            ArrayNode out = StoredJson.array();
            items.forEach(out::add);
            return out;
        }
        ObjectNode o = (ObjectNode) n;
        ObjectNode out = StoredJson.object();
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        if (r.nextInt(4) == 0) {
            java.util.Collections.shuffle(names, r);
        }
        for (String name : names) {
            if (r.nextInt(5) != 0) {
                out.set(name, mutate(r, o.get(name), depth + 1));
            }
        }
        if (r.nextBoolean()) {
            out.set(NAMES[r.nextInt(NAMES.length)], randomValue(r, depth + 1));
        }
        return out;
    }
}
