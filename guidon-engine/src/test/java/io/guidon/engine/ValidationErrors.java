package io.guidon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Assertions on what the compiler reports: the exact path, and the part of the message that matters. */
final class ValidationErrors {

    private ValidationErrors() {
    }

    /** The document fails with exactly this one problem. */
    static void assertOnlyError(Flags doc, String path, String messagePart) {
        assertOnlyError(doc.errors(), path, messagePart);
    }

    static void assertOnlyError(String json, String path, String messagePart) {
        Compilation c = new FlagDocumentCompiler().compile(json);
        assertThat(c.ok()).as("%s should not compile", json).isFalse();
        assertOnlyError(c.errors(), path, messagePart);
    }

    /** The document fails, with this problem among others. */
    static void assertHasError(Flags doc, String path, String messagePart) {
        List<ValidationError> errors = doc.errors();
        assertThat(errors).as("errors of %s", doc.text())
                .anySatisfy(e -> {
                    assertThat(e.path()).isEqualTo(path);
                    assertThat(e.message()).contains(messagePart);
                });
    }

    private static void assertOnlyError(List<ValidationError> errors, String path, String messagePart) {
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path()).as("path of %s", errors.get(0)).isEqualTo(path);
        assertThat(errors.get(0).message()).contains(messagePart);
    }
}
