package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Text a document may hold: no lone UTF-16 surrogate (served as '?') and no NUL (the control plane's database cannot
 * store it), in any string or field name, each reported at its path with the character escaped.
 */
class FlagDocumentCompilerTextTest {

    private static final FlagDocumentCompiler COMPILER = new FlagDocumentCompiler();

    private static List<ValidationError> errors(String json) {
        Compilation c = COMPILER.compile(json);
        assertThat(c.ok()).as("%s should not compile", json).isFalse();
        return c.errors();
    }

    private static final String FLAG = "\"enabled\": true, \"variants\": {\"a\": \"x\", \"b\": \"y\"}, "
            + "\"offVariant\": \"b\", \"fallthrough\": {\"variant\": \"a\"}";

    @Test
    void theTestersLoneSurrogatesInAVariantAndMetadataAreRefusedAtTheirPaths() {
        // Finding 6: validate said valid; eval and a sidecar served "a?b" and "?".
        List<ValidationError> errors = errors("{\"flags\": {\"f\": {\"enabled\": true, \"variants\": {\"a\": \"a\\ud800b\","
                + " \"b\": \"c\"}, \"offVariant\": \"b\", \"fallthrough\": {\"variant\": \"a\"},"
                + " \"metadata\": {\"m\": \"\\udc00\"}}}}");
        assertThat(errors).hasSize(2);
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("flags.f.variants.a");
            assertThat(e.message()).contains("lone UTF-16 surrogate (\\ud800) at character 1");
        });
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("flags.f.metadata.m");
            assertThat(e.message()).contains("lone UTF-16 surrogate (\\udc00) at character 0");
        });
    }

    @Test
    void nulAndLoneSurrogatesAreRefusedInEveryKindOfString() {
        String[] documents = {
            "{\"flags\": {\"f\": {" + FLAG + ", \"description\": \"d\\u0000\"}}}",
            "{\"flags\": {\"f\": {" + FLAG + ", \"tags\": [\"ok\", \"t\\ud83d\"]}}}",
            "{\"flags\": {\"f\": {" + FLAG + ", \"rules\": [{\"id\": \"r\", \"when\": {\"attribute\": \"a\","
                    + " \"op\": \"in\", \"values\": [\"v\", \"\\u0000\"]}, \"serve\": {\"variant\": \"a\"}}]}}}",
            "{\"flags\": {\"f\": {" + FLAG + ", \"targets\": [{\"variant\": \"a\", \"values\": [\"\\ude00k\"]}]}}}",
            "{\"segments\": {\"s\": {\"description\": \"\\ud800\\ud800\\ude00\"}}, \"flags\": {}}",
            "{\"flags\": {\"f\": {" + FLAG + ", \"metadata\": {\"k\\u0000\": 1}}}}",
            "{\"flags\": {\"f\": {\"enabled\": true, \"variants\": {\"a\": {\"nested\": [{\"deep\": \"\\udbff\"}]},"
                    + " \"b\": {}}, \"offVariant\": \"b\", \"fallthrough\": {\"variant\": \"a\"}}}}",
        };
        String[] paths = {"flags.f.description", "flags.f.tags[1]", "flags.f.rules[0].when.values[1]",
            "flags.f.targets[0].values[0]", "segments.s.description", "flags.f.metadata[\"k\\u0000\"]",
            "flags.f.variants.a.nested[0].deep"};
        for (int i = 0; i < documents.length; i++) {
            List<ValidationError> errors = errors(documents[i]);
            assertThat(errors).as(documents[i]).hasSize(1);
            assertThat(errors.get(0).path()).isEqualTo(paths[i]);
            assertThat(errors.get(0).message()).containsAnyOf("NUL (\\u0000)", "lone UTF-16 surrogate");
            // The report itself is clean text: escaped, never the raw character.
            assertThat(Texts.problem(errors.get(0).path())).isNull();
            assertThat(Texts.problem(errors.get(0).message())).isNull();
        }
    }

    @Test
    void aFlagKeyWithNulIsReportedWithoutTheRawCharacter() {
        List<ValidationError> errors = errors("{\"flags\": {\"f\\u0000\": {" + FLAG + "}}}");
        assertThat(errors).extracting(ValidationError::path).containsOnly("flags[\"f\\u0000\"]");
        assertThat(errors).allSatisfy(e -> assertThat(Texts.problem(e.message())).isNull());
        assertThat(errors).anySatisfy(e -> assertThat(e.message()).contains("the field name contains NUL"));
    }

    @Test
    void pairedSurrogatesAreText() {
        Compilation c = COMPILER.compile("{\"flags\": {\"f\": {\"enabled\": true, \"variants\": {\"a\": \"\\ud83d\\ude00\","
                + " \"b\": \"\u00e9\"}, \"offVariant\": \"b\", \"fallthrough\": {\"variant\": \"a\"}}}}");
        assertThat(c.errors()).isEmpty();
        assertThat(c.flagSet().flag("f").variants().get("a").value()).isEqualTo("\ud83d\ude00");
    }

    @Test
    void printableEscapesOnlyWhatIsNotText() {
        assertThat(Texts.printable("plain")).isSameAs("plain");
        assertThat(Texts.printable("a\u0000b\ud800c\ud83d\ude00\udc00")).isEqualTo("a\\u0000b\\ud800c\ud83d\ude00\\udc00");
        assertThat(Texts.problem("\ud83d\ude00")).isNull();
        assertThat(Texts.problem("x\ud83d")).contains("at character 1");
    }
}
