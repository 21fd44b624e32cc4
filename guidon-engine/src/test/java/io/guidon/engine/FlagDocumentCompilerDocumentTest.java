package io.guidon.engine;

import static io.guidon.engine.Flags.clause;
import static io.guidon.engine.ValidationErrors.assertOnlyError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.json.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The document as a whole: JSON syntax, the root object, and reporting every problem at once. */
class FlagDocumentCompilerDocumentTest {

    private final FlagDocumentCompiler compiler = new FlagDocumentCompiler();

    @Test
    void invalidJsonIsReportedWithLineAndColumn() {
        assertOnlyError("{\"flags\": {\n    \"a\": }\n}", "", "invalid JSON at line 2, column 10");
    }

    @Test
    void truncatedJsonIsInvalid() {
        assertOnlyError("{\"flags\": {}", "", "invalid JSON at line 1, column 13");
    }

    @Test
    void duplicateKeysAreInvalidJson() {
        assertOnlyError("{\"flags\": {}, \"flags\": {}}", "", "the field \"flags\" appears twice in one object");
        assertOnlyError("{\"flags\": {\"f\": {\"enabled\": true,\n \"enabled\": false}}}", "",
                "invalid JSON at line 2, column 11: the field \"enabled\" appears twice in one object");
    }

    @Test
    void contentAfterTheDocumentIsInvalidJson() {
        // A second document pasted after the first used to be dropped without a word.
        assertOnlyError("{\"flags\": {}}\n{\"flags\": {\"a\": 1}}", "", "invalid JSON at line 2, column 1");
        assertOnlyError("{\"flags\": {}} trailing", "", "invalid JSON");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''          | the document is empty",
            "'  \n '     | the document is empty",
            "null        | not null",
            "[]          | not an empty array",
            "[{}]        | not an array",
            "42          | not a number",
            "'\"flags\"' | not a string",
            "true        | not a boolean"})
    void theRootMustBeAnObject(String json, String message) {
        assertOnlyError(json, "", message);
    }

    @Test
    void flagsAreRequired() {
        assertOnlyError("{}", "flags", "required: an object of flags by key");
        assertOnlyError("{\"flags\": null}", "flags", "required");
    }

    @Test
    void flagsAndSegmentsAreObjects() {
        assertOnlyError("{\"flags\": []}", "flags", "must be an object of flags by key, not an empty array");
        assertOnlyError("{\"flags\": {}, \"segments\": [\"a\"]}", "segments",
                "must be an object of segments by key, not an array");
    }

    @Test
    void unknownRootFieldsAreReportedWithWhatIsAllowed() {
        assertOnlyError("{\"flags\": {}, \"flag\": {}}", "flag",
                "unknown field 'flag' (allowed: $schema, flags, segments)");
    }

    @Test
    void keysThatAreNotPlainNamesAreQuotedInPaths() {
        assertOnlyError("{\"flags\": {}, \"a.b\": 1}", "[\"a.b\"]", "unknown field 'a.b'");
        assertOnlyError(Flags.doc().flag("a.b", f -> f.bool().set("enabled", "yes")), "flags[\"a.b\"].enabled",
                "must be true or false");
        assertOnlyError(Flags.doc().flag("x.y", f -> f.bool().rule("r", clause("a", "inn", "x"), "on")),
                "flags[\"x.y\"].rules[0].when.op", "unknown operator 'inn'");
    }

    @Test
    void theSchemaReferenceAndAnEmptyDocumentAreFine() {
        Compilation c = compiler.compile("{\"$schema\": \"../docs/flag-format.schema.json\", \"flags\": {}}");
        assertThat(c.ok()).isTrue();
        assertThat(c.flagSet().size()).isZero();
        assertThat(c.errors()).isEmpty();
    }

    @Test
    void theBrokenExampleReportsEveryProblemAtOnce() throws IOException {
        Compilation c = compiler.compile(resource("engine/broken-flags.json"));
        assertThat(c.ok()).isFalse();
        assertThat(c.flagSet()).isNull();
        String[][] expected = {
                {"flags.new-checkout.variants.off", "variant is a string but variant 'on' is a boolean"},
                {"flags.new-checkout.offVariant", "variant 'of' is not declared"},
                {"flags.new-checkout.targets[1].values[0]", "'user-42' is already targeted"},
                {"flags.new-checkout.rules[1].id", "duplicate rule id 'eu'"},
                {"flags.new-checkout.rules[1].when.all[0].op", "unknown operator 'inn' (did you mean 'in'?)"},
                {"flags.new-checkout.rules[2].when.values[0]", "'gte' compares numbers"},
                {"flags.new-checkout.rules[3].when.values[0]", "invalid regular expression"},
                {"flags.new-checkout.rules[4].when.values[0]", "invalid semantic version '4.x'"},
                {"flags.new-checkout.rules[5].when.values[0]", "invalid ISO-8601 duration '30 days'"},
                {"flags.new-checkout.rules[6].serve.variant", "variant 'maybe' is not declared"},
                {"flags.new-checkout.rules[6].when.segment", "unknown segment 'ghosts'"},
                {"flags.new-checkout.fallthrough.rollout", "percentages sum to 90, not 100"},
                {"flags.new-checkout.prerequisites[0].flag", "unknown flag 'payments-v3'"},
                {"flags[\"Bad Key\"]", "invalid flag key 'Bad Key'"},
                {"flags[\"Bad Key\"].enabled", "must be true or false, not a string"},
                {"flags[\"Bad Key\"].variants", "must be a non-empty object"},
                {"flags[\"Bad Key\"].offVariant", "required"},
                {"flags[\"Bad Key\"].fallthrough", "must have exactly one of \"variant\" and \"rollout\""},
                {"segments.loop-a.rules[0].segment", "segments reference each other in a cycle: loop-a -> loop-b -> loop-a"},
                {"flags.chicken.prerequisites", "prerequisites form a cycle: chicken -> egg -> chicken"}};
        assertThat(c.errors()).extracting(ValidationError::path)
                .containsExactlyInAnyOrder(Arrays.stream(expected).map(e -> e[0]).toArray(String[]::new));
        for (String[] e : expected) {
            assertThat(c.errors()).anySatisfy(error -> {
                assertThat(error.path()).isEqualTo(e[0]);
                assertThat(error.message()).contains(e[1]);
            });
        }
    }

    @Test
    void theDocumentedBrokenExampleStillFailsWithManyProblems() throws IOException {
        Compilation c = compiler.compile(Files.readAllBytes(Path.of("docs/examples/broken-flags.json")));
        assertThat(c.ok()).isFalse();
        assertThat(c.errors()).hasSizeGreaterThanOrEqualTo(10).allSatisfy(e -> assertThat(e.path()).isNotEmpty());
    }

    @Test
    void theExampleConfigurationCompiles() throws IOException {
        Compilation c = compiler.compile(Files.readAllBytes(Path.of("config/flags.json")));
        assertThat(c.errors()).isEmpty();
        assertThat(c.flagSet().flag("new-checkout")).isNotNull();
    }

    @Test
    void oneProblemAnywhereMeansNoFlagSetAtAll() {
        Flags doc = Flags.doc()
                .flag("a", f -> f.bool())
                .flag("b", f -> f.bool())
                .flag("c", f -> f.bool().rule("r", clause("n", "gte", "ten"), "on"));
        Compilation c = doc.compilation();
        assertThat(c.ok()).isFalse();
        assertThat(c.flagSet()).isNull();
        assertThat(c.errors()).hasSize(1);
    }

    @Test
    void aCompilationHasEitherAFlagSetOrErrors() {
        assertThatThrownBy(() -> new Compilation(null, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Compilation(FlagSet.EMPTY, List.of(new ValidationError("", "x"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTreeCompilesLikeItsText() {
        Flags doc = Flags.doc().flag("f", f -> f.bool().rule("r", clause("n", "gte", 10), "on"));
        FlagSet fromTree = compiler.compile(doc.node()).flagSet();
        FlagSet fromText = compiler.compile(doc.text()).flagSet();
        assertThat(fromTree.documentJson()).isEqualTo(fromText.documentJson());
        assertThat(fromText.changedSince(fromTree)).isEmpty();
    }

    @Test
    void errorsReadAsPathThenMessage() {
        assertThat(new ValidationError(Pointer.of("flags", "a", "enabled"), "required")).hasToString("flags.a.enabled: required");
        assertThat(new ValidationError("", "the document is empty")).hasToString("the document is empty");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FlagDocumentCompilerDocumentTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
