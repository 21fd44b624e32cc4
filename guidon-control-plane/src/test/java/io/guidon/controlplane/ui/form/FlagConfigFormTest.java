package io.guidon.controlplane.ui.form;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.api.Json;
import io.guidon.controlplane.domain.DocumentChanges;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.ValidationError;
import io.guidon.json.BoundedJson;
import io.guidon.json.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The flag page's form ⇄ configuration JSON, both ways: every configuration, segment and condition of the format's
 * documentation (docs/flag-format.md), its examples (docs/examples) and config/flags.json goes to form fields and
 * back unchanged; the editor's actions; the engine's error places mapped to form fields.
 */
class FlagConfigFormTest {

    /** The repository (the build runs tests there; from the module's folder it is the parent). */
    private static final Path ROOT = Files.isDirectory(Path.of("docs")) ? Path.of(".") : Path.of("..");
    private static final BoundedJson READER = new BoundedJson(64, 10_000, 100_000, 500, true);

    /** JSON as the admin API reads it (exact decimals, integers as integers). */
    static JsonNode read(String json) {
        try {
            return Json.tree(READER.parse(json.getBytes(StandardCharsets.UTF_8)));
        } catch (BoundedJson.Rejected e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Equal as stored: numbers compared by kind and value, members unordered except as JSON compares them. */
    static JsonNode stored(JsonNode n) {
        return StoredJson.parse(StoredJson.write(n));
    }

    static Map<String, List<String>> asForm(Map<String, String> fields) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    /** The configuration of flag {@code flag} of a document: its fields of {@link EnvironmentDocument#CONFIG_FIELDS}. */
    static ObjectNode config(JsonNode flag) {
        ObjectNode c = StoredJson.object();
        for (String f : EnvironmentDocument.CONFIG_FIELDS) {
            if (flag.has(f)) {
                c.set(f, flag.get(f));
            }
        }
        return c;
    }

    static JsonNode roundTrip(ObjectNode config) {
        FlagConfig model = FlagConfigForm.fromJson(config);
        Map<String, String> fields = FlagConfigForm.fields(model);
        FlagConfigForm.Result back = FlagConfigForm.read(FormTree.of(asForm(fields)));
        assertThat(back.errors().entries()).as("form errors of %s", config).isEmpty();
        return back.config();
    }

    /** The JSON code blocks of a Markdown file that parse as JSON. */
    static List<JsonNode> jsonBlocks(Path markdown) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(markdown));
        while (m.find()) {
            try {
                out.add(read(m.group(1)));
            } catch (IllegalArgumentException e) {
                // a fragment that is not JSON on its own (none today; the counts below would notice many)
            }
        }
        return out;
    }

    static List<JsonNode> documents() throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode block : jsonBlocks(ROOT.resolve("docs/flag-format.md"))) {
            if (block.has("flags") || block.has("segments")) {
                docs.add(block);
            }
        }
        try (var files = Files.list(ROOT.resolve("docs/examples"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                docs.add(read(Files.readString(p)));
            }
        }
        docs.add(read(Files.readString(ROOT.resolve("config/flags.json"))));
        return docs;
    }

    @Test
    void everyFlagConfigurationOfTheDocsAndExamplesGoesToTheFormAndBackUnchanged() throws Exception {
        int flags = 0;
        for (JsonNode doc : documents()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("flags").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                // broken-flags.json's "Bad Key" is not a configuration a form can hold: "enabled": "yes" is no
                // switch position and "fallthrough": {} serves neither a variant nor a rollout.
                if (e.getKey().equals("Bad Key")) {
                    continue;
                }
                ObjectNode config = config(e.getValue());
                assertThat(stored(roundTrip(config))).as("flag %s", e.getKey()).isEqualTo(stored(config));
                flags++;
            }
        }
        assertThat(flags).as("flags round-tripped").isGreaterThanOrEqualTo(15);
    }

    @Test
    void everySegmentOfTheDocsAndExamplesGoesToTheFormAndBackUnchanged() throws Exception {
        int segments = 0;
        for (JsonNode doc : documents()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("segments").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                ObjectNode def = ((ObjectNode) e.getValue()).deepCopy();
                def.remove("description");
                SegmentForm form = SegmentForm.fromJson(def);
                SegmentForm back = SegmentForm.parse(FormTree.of(asForm(form.fields())), new FormErrors());
                FlagConfigForm.Result r = back.definition();
                assertThat(r.errors().entries()).isEmpty();
                assertThat(stored(r.config())).as("segment %s", e.getKey()).isEqualTo(stored(def));
                segments++;
            }
        }
        assertThat(segments).isGreaterThanOrEqualTo(6);
    }

    @Test
    void everyStandaloneConditionAndRuleOfTheDocsGoesToTheFormAndBackUnchanged() throws Exception {
        int conditions = 0;
        int rules = 0;
        for (JsonNode block : jsonBlocks(ROOT.resolve("docs/flag-format.md"))) {
            if (block.has("attribute") || block.has("all") || block.has("any") || block.has("not")
                    || block.has("segment") && block.size() == 1) {
                ObjectNode c = StoredJson.object();
                c.put("enabled", true);
                c.put("offVariant", "off");
                c.putArray("rules").addObject().put("id", "r").set("when", block);
                ((ObjectNode) c.get("rules").get(0)).putObject("serve").put("variant", "on");
                c.putObject("fallthrough").put("variant", "off");
                assertThat(stored(roundTrip(c))).as("condition %s", block).isEqualTo(stored(c));
                conditions++;
            } else if (block.has("id") && block.has("when")) {
                ObjectNode c = StoredJson.object();
                c.put("enabled", false);
                c.put("offVariant", "off");
                c.putArray("rules").add(block);
                c.putObject("fallthrough").put("variant", "off");
                assertThat(stored(roundTrip(c))).as("rule %s", block).isEqualTo(stored(c));
                rules++;
            }
        }
        assertThat(conditions).as("conditions").isGreaterThanOrEqualTo(20);
        assertThat(rules).as("rules").isGreaterThanOrEqualTo(1);
    }

    @Test
    void valuesKeepTheirTypeAndExactForm() {
        ObjectNode c = (ObjectNode) read("""
                {"enabled": true, "offVariant": "off", "rules": [
                  {"id": "mixed", "when": {"attribute": "a", "op": "in", "values": ["x", 5, true, 2.50, "line\\nbreak"]},
                   "serve": {"rollout": {"on": 33.333, "off": 66.667}, "bucketBy": "companyId"}},
                  {"id": "big", "when": {"attribute": "n", "op": "gt", "values": [100000000000000000000.0, -0.5, 12]},
                   "serve": {"variant": "on"}},
                  {"id": "when", "when": {"attribute": "t", "op": "before", "values": [1740830400000, "2025-03-01"]},
                   "serve": {"variant": "on"}},
                  {"id": "spaces", "when": {"attribute": "s", "op": "in", "values": [" padded ", "ünï ✓ 日本"]},
                   "serve": {"variant": "on"}},
                  {"id": "bools", "when": {"attribute": "b", "op": "notIn", "values": [false]},
                   "serve": {"variant": "on"}},
                  {"id": "exists", "when": {"not": {"attribute": "c", "op": "exists"}}, "serve": {"variant": "on"}}
                ], "targets": [{"variant": "on", "values": ["<script>alert(1)</script>", "u2"]}],
                "fallthrough": {"rollout": {"off": 100, "on": 0}}}""");
        FlagConfig m = FlagConfigForm.fromJson(c);
        assertThat(m.rules.get(0).when.mode).isEqualTo(ValueMode.JSON);
        assertThat(m.rules.get(1).when.mode).isEqualTo(ValueMode.NUMBER);
        assertThat(m.rules.get(1).when.values).isEqualTo("100000000000000000000.0\n-0.5\n12");
        assertThat(m.rules.get(2).when.mode).isEqualTo(ValueMode.INSTANT);
        assertThat(m.rules.get(3).when.mode).isEqualTo(ValueMode.TEXT);
        assertThat(m.rules.get(4).when.mode).isEqualTo(ValueMode.BOOLEAN);
        assertThat(m.fallthrough.weights).extracting(w -> w.variant).containsExactly("off", "on");
        JsonNode back = roundTrip(c);
        assertThat(stored(back)).isEqualTo(stored(c));
        // The rollout's order is its bucket order: kept, not just its members.
        assertThat(back.get("fallthrough").get("rollout").fieldNames().next()).isEqualTo("off");
        assertThat(back.get("rules").get(1).get("when").get("values").get(0).isBigDecimal()).isTrue();
        assertThat(back.get("rules").get(1).get("when").get("values").get(2).isIntegralNumber()).isTrue();
    }

    @Test
    void changingTheOperatorRetypesTheValuesWithoutAskingExceptForJson() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("offVariant", List.of("off"));
        form.put("rules.0.id", List.of("r"));
        form.put("rules.0.when.type", List.of("clause"));
        form.put("rules.0.when.attribute", List.of("seats"));
        // The user switched from in (text) to gte: the mode still says text, the numbers are numbers.
        form.put("rules.0.when.op", List.of("gte"));
        form.put("rules.0.when.mode", List.of("text"));
        form.put("rules.0.when.values", List.of("50\r\n"));
        form.put("rules.0.serve.mode", List.of("variant"));
        form.put("rules.0.serve.variant", List.of("on"));
        form.put("fallthrough.mode", List.of("variant"));
        form.put("fallthrough.variant", List.of("off"));
        FlagConfigForm.Result r = FlagConfigForm.read(FormTree.of(form));
        assertThat(r.errors().isEmpty()).isTrue();
        assertThat(r.config().get("rules").get(0).get("when").get("values").get(0).isIntegralNumber()).isTrue();
        assertThat(r.config().get("enabled").booleanValue()).isFalse();
    }

    @Test
    void valuesThatDoNotReadAreReportedAtTheirFieldWithTheLine() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("rules.0.id", List.of("r"));
        form.put("rules.0.when.type", List.of("all"));
        form.put("rules.0.when.all.0.type", List.of("clause"));
        form.put("rules.0.when.all.0.attribute", List.of("age"));
        form.put("rules.0.when.all.0.op", List.of("gte"));
        form.put("rules.0.when.all.0.values", List.of("18\neighteen"));
        form.put("rules.0.when.all.1.type", List.of("clause"));
        form.put("rules.0.when.all.1.attribute", List.of("beta"));
        form.put("rules.0.when.all.1.op", List.of("in"));
        form.put("rules.0.when.all.1.mode", List.of("boolean"));
        form.put("rules.0.when.all.1.values", List.of("yes"));
        form.put("rules.0.when.all.2.type", List.of("clause"));
        form.put("rules.0.when.all.2.attribute", List.of("x\u0000"));
        form.put("rules.0.when.all.2.op", List.of("in"));
        form.put("rules.0.when.all.2.mode", List.of("json"));
        form.put("rules.0.when.all.2.values", List.of("{\"a\": 1, \"a\": 2}"));
        form.put("rules.0.description", List.of("<b>bold</b>"));
        form.put("rules.0.serve.mode", List.of("rollout"));
        form.put("rules.0.serve.rollout.0.variant", List.of("on"));
        form.put("rules.0.serve.rollout.0.weight", List.of("ten"));
        form.put("rules.0.serve.rollout.1.variant", List.of("off"));
        form.put("rules.0.serve.rollout.1.weight", List.of("90"));
        form.put("fallthrough.mode", List.of("variant"));
        form.put("fallthrough.variant", List.of("off"));
        FlagConfigForm.Result r = FlagConfigForm.read(FormTree.of(form));
        FormErrors e = r.errors();
        assertThat(e.of("rules.0.when.all.0.values")).containsExactly("line 2: 'eighteen' is not a number (such as"
                + " 10, -3 or 25.5)");
        assertThat(e.of("rules.0.when.all.1.values")).containsExactly("'yes' is not true or false");
        assertThat(e.of("rules.0.when.all.2.attribute").get(0)).contains("U+0000");
        assertThat(e.of("rules.0.when.all.2.values").get(0)).contains("the field \"a\" appears twice");
        assertThat(e.of("rules.0.description").get(0)).contains("'<' and '>' are not allowed");
        assertThat(e.of("rules.0.serve.rollout.0.weight").get(0)).contains("'ten' is not a number");
        assertThat(r.config().get("rules").get(0).get("serve").get("rollout").toString()).isEqualTo("{\"off\":90}");
        // Each form problem is told to the service at its place in the document (a rollout row by its variant).
        FlagConfig model = FlagConfigForm.parse(FormTree.of(form));
        assertThat(FlagConfigForm.pointerOf(model, "rules.0.serve.rollout.0.weight"))
                .isEqualTo(Pointer.of("rules").index(0).field("serve").field("rollout").field("on"));
        assertThat(FlagConfigForm.pointerOf(model, "rules.0.when.all.0.values"))
                .isEqualTo(Pointer.parse("/rules/0/when/all/0/values"));
    }

    @Test
    void aFormNestedDeeperThanAnyDocumentIsCutWithAnErrorNotAStackOverflow() {
        StringBuilder path = new StringBuilder("rules.0.when");
        for (int i = 0; i < 20_000; i++) {
            path.append(".not");
        }
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("rules.0.id", List.of("deep"));
        form.put(path + ".attribute", List.of("a"));
        FlagConfigForm.Result r = FlagConfigForm.read(FormTree.of(form));
        assertThat(r.errors().entries()).anyMatch(e -> e.message().contains("the limit is 32 levels"));
    }

    // ---------------------------------------------------------------- places

    static FlagConfig brokenCheckout() throws Exception {
        JsonNode doc = read(Files.readString(ROOT.resolve("docs/examples/broken-flags.json")));
        return FlagConfigForm.fromJson(config(doc.get("flags").get("new-checkout")));
    }

    @Test
    void enginePointersMapToTheirFormFields() throws Exception {
        FlagConfig c = brokenCheckout();
        List<String> declared = List.of("on", "off");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("/offVariant", "offVariant");
        expected.put("/prerequisites/0/flag", "prerequisites.0.flag");
        expected.put("/prerequisites", "prerequisites");
        expected.put("/targets/1/values/0", "targets.1.keys");
        expected.put("/targets/0/variant", "targets.0.variant");
        expected.put("/rules/1/id", "rules.1.id");
        expected.put("/rules/1/when/all/0/op", "rules.1.when.all.0.op");
        expected.put("/rules/0/when/all/0/values/0", "rules.0.when.all.0.values");
        expected.put("/rules/2/when/values/0", "rules.2.when.values");
        expected.put("/rules/6/when/segment", "rules.6.when.segment");
        expected.put("/rules/6/serve/variant", "rules.6.serve.variant");
        expected.put("/rules/6/when", "rules.6.when");
        expected.put("/rules/1/when/all/7", "rules.1.when");
        expected.put("/rules/3", "rules.3");
        expected.put("/rules/42/id", "rules");
        expected.put("/fallthrough/rollout", "fallthrough.rollout");
        expected.put("/fallthrough/rollout/off", "fallthrough.rollout.1.weight");
        expected.put("/fallthrough", "fallthrough");
        expected.put("/variants/on", null);
        expected.put("/environments/production/flags/x", null);
        expected.forEach((pointer, field) -> assertThat(FlagConfigForm.fieldFor(c, Pointer.parse(pointer), declared))
                .as(pointer).isEqualTo(field));
    }

    @Test
    void everyErrorTheEngineFindsInBrokenFlagsNamesAFieldOfTheForm() throws Exception {
        JsonNode doc = read(Files.readString(ROOT.resolve("docs/examples/broken-flags.json")));
        Compilation compiled = new FlagDocumentCompiler().compile(doc);
        FlagConfig c = brokenCheckout();
        Map<String, String> fields = FlagConfigForm.fields(c);
        int mapped = 0;
        for (ValidationError e : compiled.errors()) {
            Pointer rel = DocumentChanges.relative(DocumentChanges.where(e), "flags", "new-checkout");
            if (rel == null || rel.size() == 0 || rel.token(0).equals("variants")) {
                continue; // another flag's, or the definition's (the definition form shows those)
            }
            String field = FlagConfigForm.fieldFor(c, rel, List.of("on", "off"));
            assertThat(field).as("%s", e).isNotNull();
            boolean isField = fields.containsKey(field) || field.equals("prerequisites")
                    || field.equals("fallthrough.rollout") || field.endsWith(".keys");
            assertThat(isField).as("%s → %s is a field of the form", rel, field).isTrue();
            mapped++;
        }
        assertThat(mapped).isGreaterThanOrEqualTo(11);
    }

    @Test
    void segmentPlacesMapToTheirFields() {
        SegmentForm s = SegmentForm.fromJson(read("""
                {"included": ["a"], "rules": [{"attribute": "email", "op": "endsWith", "values": ["@x"]},
                 {"any": [{"segment": "other"}, {"attribute": "n", "op": "gt", "values": ["x"]}]}]}"""));
        assertThat(s.fieldFor(Pointer.parse("/rules/0/values/0"))).isEqualTo("rules.0.values");
        assertThat(s.fieldFor(Pointer.parse("/rules/1/any/0/segment"))).isEqualTo("rules.1.any.0.segment");
        assertThat(s.fieldFor(Pointer.parse("/rules/1/any/1/values/0"))).isEqualTo("rules.1.any.1.values");
        assertThat(s.fieldFor(Pointer.parse("/included/0"))).isEqualTo("included");
        assertThat(s.fieldFor(Pointer.parse("/rules/5"))).isEqualTo("rules");
        assertThat(s.fieldFor(Pointer.parse("/segments/x"))).isNull();
        assertThat(SegmentForm.pointerOf("rules.1.any.1.values")).isEqualTo(Pointer.parse("/rules/1/any/1/values"));
    }

    // ---------------------------------------------------------------- actions

    static FlagConfig sample() {
        return FlagConfigForm.fromJson(read("""
                {"enabled": true, "offVariant": "off",
                 "rules": [{"id": "a", "when": {"attribute": "country", "op": "in", "values": ["DE"]},
                            "serve": {"variant": "on"}},
                           {"id": "b", "when": {"all": [{"attribute": "x", "op": "exists"},
                                                        {"segment": "beta"}]}, "serve": {"variant": "on"}}],
                 "fallthrough": {"variant": "off"}}"""));
    }

    @Test
    void addingAClauseToAClauseMakesAnAllGroupOfBoth() {
        FlagConfig c = sample();
        String focus = FlagConfigForm.apply(c, "add-clause@rules.0.when", List.of("on", "off"));
        assertThat(focus).isEqualTo("rules.0.when.all.1.attribute");
        Condition when = c.rules.get(0).when;
        assertThat(when.kind).isEqualTo(Condition.Kind.ALL);
        assertThat(when.children).extracting(x -> x.attribute).containsExactly("country", "");
    }

    @Test
    void groupsNotsAndSegmentsAreAddedRemovedMovedAndUnwrapped() {
        FlagConfig c = sample();
        List<String> declared = List.of("on", "off");
        assertThat(FlagConfigForm.apply(c, "add-any@rules.1.when", declared)).isEqualTo("rules.1.when.all.2.type");
        assertThat(FlagConfigForm.apply(c, "add-not@rules.1.when.all.2", declared))
                .isEqualTo("rules.1.when.all.2.any.1.not.attribute");
        assertThat(FlagConfigForm.apply(c, "add-segment@rules.1.when.all.2", declared))
                .isEqualTo("rules.1.when.all.2.any.2.segment");
        Condition any = c.rules.get(1).when.children.get(2);
        assertThat(any.children).extracting(x -> x.kind).containsExactly(Condition.Kind.CLAUSE, Condition.Kind.NOT,
                Condition.Kind.SEGMENT);
        assertThat(FlagConfigForm.apply(c, "up@rules.1.when.all.2", declared)).isEqualTo("up@rules.1.when.all.1");
        assertThat(c.rules.get(1).when.children.get(1).kind).isEqualTo(Condition.Kind.ANY);
        assertThat(FlagConfigForm.apply(c, "up@rules.1.when.all.1", declared)).isEqualTo("down@rules.1.when.all.0");
        // Removing the inner condition of a not removes the not.
        assertThat(FlagConfigForm.apply(c, "remove@rules.1.when.all.0.any.1.not", declared))
                .isEqualTo("rules.1.when.all.0.type");
        assertThat(c.rules.get(1).when.children.get(0).children).hasSize(2);
        assertThat(FlagConfigForm.apply(c, "remove@rules.1.when.all.0.any.1", declared)).isNotNull();
        assertThat(FlagConfigForm.apply(c, "unwrap@rules.1.when.all.0", declared)).isEqualTo("rules.1.when.all.0.type");
        assertThat(c.rules.get(1).when.children.get(0).kind).isEqualTo(Condition.Kind.CLAUSE);
        // A path that names nothing changes nothing.
        assertThat(FlagConfigForm.apply(c, "remove@rules.1.when.all.9", declared)).isNull();
        assertThat(FlagConfigForm.apply(c, "remove@rules.7", declared)).isNull();
        assertThat(FlagConfigForm.apply(c, "explode@rules.0", declared)).isNull();
        assertThat(c.rules).hasSize(2);
    }

    @Test
    void rulesPrerequisitesAndTargetsAreAddedRemovedAndMoved() {
        FlagConfig c = sample();
        List<String> declared = List.of("on", "off");
        assertThat(FlagConfigForm.apply(c, "add-rule", declared)).isEqualTo("rules.2.when.all.0.attribute");
        assertThat(c.rules.get(2).id).isEqualTo("rule-3");
        assertThat(c.rules.get(2).serve.variant).isEqualTo("on");
        assertThat(FlagConfigForm.apply(c, "up@rules.2", declared)).isEqualTo("up@rules.1");
        assertThat(c.rules).extracting(r -> r.id).containsExactly("a", "rule-3", "b");
        assertThat(FlagConfigForm.apply(c, "down@rules.1", declared)).isEqualTo("up@rules.2");
        assertThat(FlagConfigForm.apply(c, "remove@rules.0", declared)).isEqualTo("add-rule");
        assertThat(c.rules).extracting(r -> r.id).containsExactly("b", "rule-3");
        assertThat(FlagConfigForm.apply(c, "add-prerequisite", declared)).isEqualTo("prerequisites.0.flag");
        assertThat(FlagConfigForm.apply(c, "add-target", declared)).isEqualTo("targets.0.keys");
        assertThat(c.targets.get(0).variant).isEqualTo("on");
        assertThat(FlagConfigForm.apply(c, "remove@targets.0", declared)).isEqualTo("add-target");
        assertThat(FlagConfigForm.apply(c, "remove@prerequisites.0", declared)).isEqualTo("add-prerequisite");
        assertThat(c.targets).isEmpty();
        assertThat(c.prerequisites).isEmpty();
    }

    @Test
    void aVariantWithTwoRowsInARolloutIsAnErrorAtItsSecondRowNotASilentMerge() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("fallthrough.mode", List.of("rollout"));
        form.put("fallthrough.rollout.0.variant", List.of("on"));
        form.put("fallthrough.rollout.0.weight", List.of("50"));
        form.put("fallthrough.rollout.1.variant", List.of("on"));
        form.put("fallthrough.rollout.1.weight", List.of("50"));
        FlagConfigForm.Result r = FlagConfigForm.read(FormTree.of(form));
        assertThat(r.errors().of("fallthrough.rollout.1.weight")).singleElement().asString()
                .contains("'on' has two rows");
    }

    @Test
    void theRolloutSumIsShownAsTypedNumbersAddUp() {
        Serve s = Serve.fromJson(read("{\"rollout\": {\"a\": 33.333, \"b\": 33.333, \"c\": 33.334}}"));
        assertThat(s.sum()).isEqualTo("100");
        s.weights.get(0).percent = "x";
        assertThat(s.sum()).isEqualTo("66.667");
        assertThat(s.rows(List.of("a", "z", "b"))).extracting(w -> w.variant).containsExactly("a", "b", "c", "z");
    }
}
