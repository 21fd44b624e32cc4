package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.engine.ValidationError;
import io.guidon.json.Pointer;
import org.junit.jupiter.api.Test;

/** Engine paths of a flag or segment become paths relative to the resource a request changes. */
class PathMappingTest {

    /** The engine's path re-rooted below {@code section.key} ({@link DocumentChanges#relative}), as message text. */
    private static String relative(String enginePath, String section, String key) {
        Pointer rel = DocumentChanges.relative(DocumentChanges.where(new ValidationError(Pointer.fromText(enginePath), "x")), section,
                key);
        return rel == null ? null : rel.text();
    }

    @Test
    void pathsBelowTheResourceBecomeRelative() {
        assertThat(relative("flags.a.rules[0].serve.variant", "flags", "a")).isEqualTo("rules[0].serve.variant");
        assertThat(relative("flags.a.targets[1]", "flags", "a")).isEqualTo("targets[1]");
        assertThat(relative("flags.a", "flags", "a")).isEmpty();
        assertThat(relative("flags[\"a.b\"].enabled", "flags", "a.b")).isEqualTo("enabled");
        assertThat(relative("segments.s.rules[0]", "segments", "s")).isEqualTo("rules[0]");
    }

    @Test
    void pathsOfOtherResourcesAreNotRelative() {
        assertThat(relative("flags.ab.enabled", "flags", "a")).isNull();
        assertThat(relative("segments.a.rules", "flags", "a")).isNull();
    }
}
