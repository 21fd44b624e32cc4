package io.guidon.engine;

import static io.guidon.engine.Flags.json;
import static io.guidon.engine.ValidationErrors.assertOnlyError;
import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.json.Pointer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Problems in a flag's own fields and in segments: keys, enabled, variants, offVariant, tags, metadata. */
class FlagDocumentCompilerFlagTest {

    private static Flags flag(java.util.function.Consumer<Flags.FlagBuilder> spec) {
        return Flags.doc().flag("f", spec);
    }

    @Nested
    class Keys {
        @ParameterizedTest
        @ValueSource(strings = {"a", "new-checkout", "v2.checkout_flow", "0day"})
        void flagKeysOfLowercaseLettersDigitsDotsDashesAndUnderscoresAreFine(String key) {
            assertThat(Flags.doc().flag(key, f -> f.bool()).compile().flag(key)).isNotNull();
        }

        @Test
        void aFlagKeyMayBe128CharactersLong() {
            String key = "k".repeat(128);
            assertThat(Flags.doc().flag(key, f -> f.bool()).compile().flag(key)).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"NewCheckout", "-lead", ".lead", "_lead", "new checkout", "ünïcode", ""})
        void otherFlagKeysAreInvalid(String key) {
            assertOnlyError(Flags.doc().flag(key, f -> f.bool()), Pointer.of("flags", key).text(),
                    "invalid flag key '" + key + "': use 1 to 128 of a-z, 0-9");
        }

        @Test
        void aFlagKeyOf129CharactersIsInvalid() {
            String key = "k".repeat(129);
            assertOnlyError(Flags.doc().flag(key, f -> f.bool()), "flags." + key, "invalid flag key");
        }

        @Test
        void segmentKeysFollowTheSameRule() {
            assertOnlyError(Flags.doc().segment("Beta Testers", s -> s.included("u1")),
                    "segments[\"Beta Testers\"]", "invalid segment key 'Beta Testers'");
        }
    }

    @Test
    void aFlagMustBeAnObject() {
        assertOnlyError(Flags.doc().set("flags", json("{'f': true}")), "flags.f", "a flag must be an object, not a boolean");
    }

    @Test
    void unknownFlagFieldsAreReportedWithWhatIsAllowed() {
        assertOnlyError(flag(f -> f.bool().set("enable", true)), "flags.f.enable",
                "unknown field 'enable' (allowed: description, enabled, fallthrough, metadata, offVariant, "
                        + "prerequisites, rules, salt, tags, targets, variants)");
    }

    @Test
    void enabledIsRequired() {
        assertOnlyError(flag(f -> f.bool().remove("enabled")), "flags.f.enabled", "required: true or false");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"yes\" | a string", "1 | a number", "null | null", "[] | an empty array"})
    void enabledIsABoolean(String value, String kind) {
        assertOnlyError(flag(f -> f.bool().set("enabled", json(value))), "flags.f.enabled",
                "must be true or false, not " + kind);
    }

    @Test
    void descriptionAndSaltAreStrings() {
        assertOnlyError(flag(f -> f.bool().set("description", 1)), "flags.f.description",
                "must be a string, not a number");
        assertOnlyError(flag(f -> f.bool().set("salt", json("{}"))), "flags.f.salt",
                "must be a string, not an empty object");
    }

    @Nested
    class Variants {
        @Test
        void areRequired() {
            assertOnlyError(flag(f -> f.bool().remove("variants")), "flags.f.variants",
                    "required: an object of variant values by name");
        }

        @Test
        void mustNotBeEmpty() {
            assertOnlyError(flag(f -> f.bool().set("variants", json("{}"))), "flags.f.variants",
                    "must be a non-empty object of variant values by name, not an empty object");
        }

        @Test
        void mustBeAnObject() {
            assertOnlyError(flag(f -> f.bool().set("variants", json("[true, false]"))), "flags.f.variants",
                    "must be a non-empty object of variant values by name, not an array");
        }

        @Test
        void allHaveOneType() {
            assertOnlyError(flag(f -> f.variants("on", true, "off", "no").off("on").fallthrough("on")),
                    "flags.f.variants.off", "variant is a string but variant 'on' is a boolean: all variants of a flag "
                            + "have one type");
            assertOnlyError(flag(f -> f.variants("a", 1, "b", 2, "c", "3").off("a").fallthrough("a")),
                    "flags.f.variants.c", "variant is a string but variant 'a' is a number");
        }

        @Test
        void anArrayIsNotAnObjectVariantBecauseOpenFeatureObjectsAreStructures() {
            assertOnlyError(flag(f -> f.variants("a", Map.of("x", 1), "b", List.of(1)).off("a").fallthrough("b")),
                    "flags.f.variants.b", "an object flag's variant must be a JSON object, not an array");
            FlagSet inside = flag(f -> f.variants("a", Map.of("x", List.of(1)), "b", Map.of()).off("a").fallthrough("b"))
                    .compile();
            assertThat(inside.flag("f").type()).isEqualTo(FlagType.OBJECT);
        }

        @Test
        void mustNotBeNull() {
            assertOnlyError(flag(f -> f.variants("on", true, "off", null).off("on").fallthrough("on")),
                    "flags.f.variants.off", "a variant value must be a boolean, string, number or JSON object, not null");
        }

        @ParameterizedTest
        @ValueSource(strings = {"-on", "a b", "ö", "x/y"})
        void haveNamesOfLettersDigitsDotsDashesAndUnderscores(String name) {
            assertOnlyError(flag(f -> f.variants(name, true, "off", false).off("off").fallthrough("off")),
                    Pointer.of("flags", "f", "variants", name).text(), "invalid variant name '" + name + "'");
        }

        @Test
        void mayUseUppercaseAndDots() {
            FlagSet set = flag(f -> f.variants("Control", "c", "v1.2", "t").off("Control").fallthrough("v1.2"))
                    .compile();
            assertThat(set.flag("f").variants()).containsOnlyKeys("Control", "v1.2");
        }
    }

    @Nested
    class OffVariant {
        @Test
        void isRequired() {
            assertOnlyError(flag(f -> f.bool().remove("offVariant")), "flags.f.offVariant",
                    "required: the variant served when the flag is disabled or a prerequisite fails");
        }

        @Test
        void mustBeDeclared() {
            assertOnlyError(flag(f -> f.bool().off("of")), "flags.f.offVariant",
                    "variant 'of' is not declared (declared: on, off)");
        }

        @Test
        void isAVariantName() {
            assertOnlyError(flag(f -> f.bool().set("offVariant", false)), "flags.f.offVariant",
                    "must be a variant name, not a boolean");
        }
    }

    @Nested
    class Fallthrough {
        @Test
        void isRequired() {
            assertOnlyError(flag(f -> f.bool().remove("fallthrough")), "flags.f.fallthrough",
                    "required: what to serve when no target or rule matches");
        }

        @Test
        void isAServe() {
            assertOnlyError(flag(f -> f.bool().set("fallthrough", "on")), "flags.f.fallthrough",
                    "must be {\"variant\": ...} or {\"rollout\": {...}}, not a string");
        }

        @Test
        void servesADeclaredVariant() {
            assertOnlyError(flag(f -> f.bool().fallthrough("maybe")), "flags.f.fallthrough.variant",
                    "variant 'maybe' is not declared (declared: on, off)");
        }
    }

    @Nested
    class TagsAndMetadata {
        @Test
        void tagsAreAnArray() {
            assertOnlyError(flag(f -> f.bool().set("tags", "web")), "flags.f.tags",
                    "must be an array of strings, not a string");
        }

        @Test
        void tagsAreNonEmptyStrings() {
            assertOnlyError(flag(f -> f.bool().set("tags", json("['web', 7]"))), "flags.f.tags[1]",
                    "a tag must be a string, not a number");
            assertOnlyError(flag(f -> f.bool().set("tags", json("['web', '']"))), "flags.f.tags[1]",
                    "a tag must not be empty");
        }

        @Test
        void metadataIsAnObject() {
            assertOnlyError(flag(f -> f.bool().set("metadata", json("['owner']"))), "flags.f.metadata",
                    "must be an object of strings, numbers and booleans, not an array");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{'team': 'growth'}", "['growth']", "null"})
        void metadataValuesAreScalars(String value) {
            assertOnlyError(flag(f -> f.bool().set("metadata", json("{'owner': " + value + "}"))),
                    "flags.f.metadata.owner", "metadata values are strings, numbers or booleans, not ");
        }

        @Test
        void validTagsAndMetadataAreKept() {
            FlagSet set = flag(f -> f.bool().set("tags", json("['web', 'checkout']"))
                    .set("metadata", json("{'owner': 'growth', 'ticket': 1234, 'ratio': 0.5, 'beta': true}"))
                    .set("description", "New checkout"))
                    .compile();
            Flag flag = set.flag("f");
            assertThat(flag.tags()).containsExactly("web", "checkout");
            assertThat(flag.metadata()).containsExactly(Map.entry("owner", "growth"), Map.entry("ticket", 1234L),
                    Map.entry("ratio", 0.5), Map.entry("beta", true));
            assertThat(flag.description()).isEqualTo("New checkout");
        }
    }

    @Nested
    class Segments {
        @Test
        void aSegmentMustBeAnObject() {
            assertOnlyError(Flags.doc().set("segments", json("{'s': ['u1']}")), "segments.s",
                    "a segment must be an object, not an array");
        }

        @Test
        void unknownSegmentFieldsAreReported() {
            assertOnlyError(Flags.doc().segment("s", s -> s.set("include", json("['u1']"))), "segments.s.include",
                    "unknown field 'include' (allowed: description, excluded, included, rules)");
        }

        @Test
        void includedAndExcludedAreArraysOfStrings() {
            assertOnlyError(Flags.doc().segment("s", s -> s.set("included", "u1")), "segments.s.included",
                    "must be an array of strings, not a string");
            assertOnlyError(Flags.doc().segment("s", s -> s.set("excluded", json("['u1', 2]"))),
                    "segments.s.excluded[1]", "must be a string, not a number");
        }

        @Test
        void rulesAreAnArrayOfConditions() {
            assertOnlyError(Flags.doc().segment("s", s -> s.set("rules", json("{'segment': 'x'}"))), "segments.s.rules",
                    "must be an array of conditions, not an object");
            assertOnlyError(Flags.doc().segment("s", s -> s.rule(json("{'attribute': 'a', 'op': 'gt', 'values': ['x']}"))),
                    "segments.s.rules[0].values[0]", "'gt' compares numbers; this value is a string");
        }

        @Test
        void theDescriptionIsAString() {
            assertOnlyError(Flags.doc().segment("s", s -> s.set("description", false)), "segments.s.description",
                    "must be a string, not a boolean");
        }
    }
}
