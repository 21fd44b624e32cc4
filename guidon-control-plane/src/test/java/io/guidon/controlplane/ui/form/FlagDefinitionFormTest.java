package io.guidon.controlplane.ui.form;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.json.Pointer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The definition form (create and edit a flag) and the segment form: parsing, typed values, the API's checks. */
class FlagDefinitionFormTest {

    static Map<String, List<String>> form(String... pairs) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], List.of(pairs[i + 1]));
        }
        return out;
    }

    static FlagDefinition def(String variants) {
        return new FlagDefinition(1, "f", "Name", "desc", List.of("a", "b"), StoredJson.parse(variants), null, null,
                3, null, null);
    }

    @Test
    void aStoredFlagShowsItsTypeAndValuesAsWritten() {
        FlagDefinitionForm f = FlagDefinitionForm.of(def("{\"small\": 10, \"big\": 2.50}"));
        assertThat(f.type).isEqualTo("number");
        assertThat(f.variants).extracting(v -> v.value).containsExactly("10", "2.50");
        assertThat(f.tags).isEqualTo("a\nb");
        assertThat(f.name).isEqualTo("Name");
        assertThat(FlagDefinitionForm.of(def("{\"on\": true}")).type).isEqualTo("boolean");
        assertThat(FlagDefinitionForm.of(def("{\"a\": \"x\"}")).type).isEqualTo("string");
        FlagDefinitionForm obj = FlagDefinitionForm.of(def("{\"a\": {\"layout\": \"cards\", \"n\": [1, 2.0]}}"));
        assertThat(obj.type).isEqualTo("object");
        assertThat(StoredJson.parse(obj.variants.get(0).value)).isEqualTo(StoredJson.parse(
                "{\"layout\": \"cards\", \"n\": [1, 2.0]}"));
    }

    @Test
    void eachTypeReadsItsValuesExactlyAndReportsWhatDoesNotRead() {
        FlagDefinitionForm f = FlagDefinitionForm.parse(FormTree.of(form("key", "price", "type", "number",
                "variants.0.name", "low", "variants.0.value", " 10 ", "variants.1.name", "mid",
                "variants.1.value", "2.50", "variants.2.name", "bad", "variants.2.value", "ten",
                "variants.3.name", "low", "variants.3.value", "1", "offVariant", "1")));
        FlagDefinitionForm.Body b = f.body(true);
        assertThat(b.body().get("variants").toString()).isEqualTo("{\"low\":10,\"mid\":2.50}");
        assertThat(b.body().get("offVariant").asText()).isEqualTo("mid");
        assertThat(b.errors().of("variants.2.value")).containsExactly("'ten' is not a number (such as 10, -3 or"
                + " 25.5)");
        assertThat(b.errors().of("variants.3.name").get(0)).contains("named twice");
        // Each form problem goes to the service at its place in the body: a row by its variant's name.
        assertThat(f.pointerOf("variants.2.value")).isEqualTo(Pointer.of("variants", "bad"));
        assertThat(f.fieldFor(Pointer.of("variants", "mid"))).isEqualTo("variants.1.value");
        assertThat(f.fieldFor(Pointer.of("variants"))).isEqualTo("variants");
        assertThat(f.fieldFor(Pointer.parse("/tags/3"))).isEqualTo("tags");
        assertThat(f.fieldFor(Pointer.parse("/environments/production/flags/price/rules/0"))).isNull();

        FlagDefinitionForm obj = FlagDefinitionForm.parse(FormTree.of(form("type", "object", "variants.0.name", "a",
                "variants.0.value", "{\"x\": 1e2, \"y\": [true]}", "variants.1.name", "b", "variants.1.value", "{")));
        FlagDefinitionForm.Body ob = obj.body(false);
        assertThat(ob.body().get("variants").get("a").get("x").isBigDecimal()).isTrue();
        assertThat(ob.body().has("key")).isFalse();
        assertThat(ob.errors().of("variants.1.value").get(0)).startsWith("the value is malformed JSON");

        FlagDefinitionForm bool = FlagDefinitionForm.parse(FormTree.of(form("type", "boolean", "variants.0.name",
                "on", "variants.0.value", "yes")));
        assertThat(bool.body(false).errors().of("variants.0.value")).containsExactly("must be true or false");
        FlagDefinitionForm str = FlagDefinitionForm.parse(FormTree.of(form("type", "string", "variants.0.name", "a",
                "variants.0.value", "  spaced <b> \"q\"  ")));
        assertThat(str.body(false).body().get("variants").get("a").asText()).isEqualTo("  spaced <b> \"q\"  ");
    }

    @Test
    void theApisOwnChecksJudgeKeyNameDescriptionAndTags() {
        FlagDefinitionForm f = FlagDefinitionForm.parse(FormTree.of(form("key", "Bad Key", "name", "<b>",
                "description", "<script>", "tags", "ok\n\n<x>\nok", "type", "boolean", "variants.0.name", "on",
                "variants.0.value", "true")));
        FlagDefinitionForm.Checked c = FlagDefinitionForm.check(f.body(true).body(), true);
        assertThat(c.key()).isNull();
        assertThat(c.violations()).extracting(v -> v.where().toString()).contains("/key", "/name", "/description",
                "/tags/1");
        assertThat(c.fields().variants().toString()).isEqualTo("{\"on\":true}");
        FlagDefinitionForm empty = FlagDefinitionForm.parse(FormTree.of(form("key", "ok", "type", "boolean")));
        assertThat(FlagDefinitionForm.check(empty.body(true).body(), true).violations())
                .extracting(v -> v.message()).contains("must be a non-empty object of variant values by name, not an"
                        + " empty object");
    }

    @Test
    void variantsAreAddedAndRemovedKeepingTheOffVariant() {
        FlagDefinitionForm f = FlagDefinitionForm.fresh();
        assertThat(f.offVariant).isEqualTo(1);
        assertThat(f.apply("add-variant")).isEqualTo("variants.2.name");
        assertThat(f.variants.get(2).value).isEqualTo("false");
        assertThat(f.apply("remove@variants.0")).isEqualTo("add-variant");
        assertThat(f.offVariant).isZero();
        assertThat(f.variants.get(0).name).isEqualTo("off");
        assertThat(f.apply("remove@variants.0")).isEqualTo("add-variant");
        assertThat(f.offVariant).isEqualTo(-1);
        assertThat(f.apply("remove@variants.9")).isNull();
        assertThat(f.apply("drop-table")).isNull();
    }

    @Test
    void aSegmentFormReadsKeysAndRulesAndRunsItsActions() {
        SegmentForm s = SegmentForm.parse(FormTree.of(form("key", "beta", "description", "d", "included",
                "a\r\nb\r\n\r\n", "excluded", "", "rules.0.type", "clause", "rules.0.attribute", "email",
                "rules.0.op", "endsWith", "rules.0.values", "@x.io")), new FormErrors());
        FlagConfigForm.Result r = s.definition();
        assertThat(r.config().toString()).isEqualTo("{\"included\":[\"a\",\"b\"],\"rules\":[{\"attribute\":\"email\","
                + "\"op\":\"endsWith\",\"values\":[\"@x.io\"]}]}");
        assertThat(s.apply("add-rule")).isEqualTo("rules.1.attribute");
        assertThat(s.apply("add-segment@rules.0")).isEqualTo("rules.0.all.1.segment");
        assertThat(s.rules.get(0).kind).isEqualTo(Condition.Kind.ALL);
        assertThat(s.apply("up@rules.1")).isEqualTo("down@rules.0");
        assertThat(s.rules.get(0).kind).isEqualTo(Condition.Kind.CLAUSE);
        assertThat(s.apply("remove@rules.1.all.0")).isEqualTo("rules.1.type");
        assertThat(s.apply("remove@rules.0")).isEqualTo("add-rule");
        assertThat(s.rules).hasSize(1);
        assertThat(s.apply("remove@segments.0")).isNull();
        SegmentForm.Checked c = s.check(true);
        assertThat(c.key()).isEqualTo("beta");
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void valuesModesCoverEveryJsonValueExactly() {
        JsonNode mixed = StoredJson.parse("[\"a\", 1, 2.0, true, null, {\"k\": [1]}, \"\"]");
        FormValues.Lines lines = FormValues.fromJson(Operators.of("in"), mixed);
        assertThat(lines.mode()).isEqualTo(ValueMode.JSON);
        FormErrors e = new FormErrors();
        assertThat(StoredJson.parse(StoredJson.write(FormValues.toJson(lines.mode(), lines.text(), "v", e))))
                .isEqualTo(mixed);
        assertThat(e.isEmpty()).isTrue();
        assertThat(FormValues.fromJson(Operators.of("before"), StoredJson.parse("[\"123\"]")).mode())
                .as("a digit string is no epoch-milliseconds instant: kept exactly as JSON").isEqualTo(ValueMode.JSON);
        assertThat(FormValues.number("1e400")).isNotNull();
        assertThat(FormValues.numberProblem("1e400")).contains("outside the range");
        assertThat(FormValues.number("12345678901234567890").isBigInteger()).isTrue();
        assertThat(FormValues.number("0x10")).isNull();
        assertThat(FormValues.textProblem("a\u0000b")).contains("U+0000");
    }

    @Test
    void thePickerOffersEveryOperatorOfTheEngine() {
        assertThat(Operators.all()).extracting(Operators.Op::name).containsExactly("in", "notIn", "contains",
                "startsWith", "endsWith", "matches", "lt", "lte", "gt", "gte", "semverEq", "semverLt", "semverGt",
                "before", "after", "olderThan", "newerThan", "exists");
        assertThat(Operators.of("olderThan").input()).isEqualTo(Operators.Input.DURATION);
        assertThat(Operators.of("semverGt").input()).isEqualTo(Operators.Input.VERSION);
        assertThat(Operators.of("gte").input()).isEqualTo(Operators.Input.NUMBER);
        assertThat(Operators.of("exists").modes()).isEmpty();
        assertThat(Operators.of("in").modes()).contains(ValueMode.BOOLEAN);
        assertThat(Operators.known("inn")).isFalse();
        assertThat(Operators.of("inn").input()).isEqualTo(Operators.Input.LIST);
    }
}
