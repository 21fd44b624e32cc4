package io.guidon.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void adminEditorAndViewerAreOrderedAndSidecarStandsApart() {
        assertThat(Role.ADMIN.satisfies(Role.EDITOR)).isTrue();
        assertThat(Role.ADMIN.satisfies(Role.VIEWER)).isTrue();
        assertThat(Role.EDITOR.satisfies(Role.VIEWER)).isTrue();
        assertThat(Role.EDITOR.satisfies(Role.ADMIN)).isFalse();
        assertThat(Role.VIEWER.satisfies(Role.EDITOR)).isFalse();
        assertThat(Role.SIDECAR.satisfies(Role.SIDECAR)).isTrue();
        assertThat(Role.SIDECAR.satisfies(Role.VIEWER)).isFalse();
        assertThat(Role.ADMIN.satisfies(Role.SIDECAR)).isFalse();
    }

    @Test
    void rolesParseFromTheirJsonNamesOnly() {
        assertThat(Role.parse("editor")).isEqualTo(Role.EDITOR);
        assertThat(Role.parse("EDITOR")).isNull();
        assertThat(Role.parse("owner")).isNull();
    }

    @Test
    void aRoleIsNamedWithTheArticleItsSoundTakes() {
        assertThat(Role.ADMIN.withArticle()).isEqualTo("an admin");
        assertThat(Role.EDITOR.withArticle()).isEqualTo("an editor");
        assertThat(Role.VIEWER.withArticle()).isEqualTo("a viewer");
        assertThat(Role.SIDECAR.withArticle()).isEqualTo("a sidecar");
    }
}
