package io.guidon.controlplane.ui.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.ApiKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The environment and key forms as posted (the API's rules, each message on its field) and their view helpers. */
class AdminFormsTest {

    private static Map<String, List<String>> form(String... pairs) {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], List.of(pairs[i + 1]));
        }
        return m;
    }

    @Test
    void aNewEnvironmentNeedsAKeyOfTheKeyAlphabetAndPlainText() {
        EnvironmentForm ok = EnvironmentForm.parseCreate(form("key", " qa ", "name", "", "description",
                "Nightly.\r\nReset at 02:00."));
        assertThat(ok.valid()).isTrue();
        assertThat(ok.key()).isEqualTo("qa");
        assertThat(ok.nameOrKey()).as("a blank name is the key, as in the API").isEqualTo("qa");
        assertThat(ok.description()).as("a textarea's CR LF is read as LF").isEqualTo("Nightly.\nReset at 02:00.");
        assertThat(ok.editing()).isFalse();
        assertThat(ok.protectedEnvironment()).as("an unticked box is not sent").isFalse();
        assertThat(EnvironmentForm.parseCreate(form("key", "production", "protected", "on")).protectedEnvironment())
                .isTrue();

        EnvironmentForm bad = EnvironmentForm.parseCreate(form("key", "QA env", "name", "<b>QA</b>",
                "description", "x".repeat(2001)));
        assertThat(bad.errors()).containsOnlyKeys("key", "name", "description");
        assertThat(bad.error("key")).contains("a-z, 0-9");
        assertThat(bad.error("name")).startsWith("Must be plain text");
        assertThat(bad.error("description")).contains("at most 2000 characters");
        assertThat(bad.invalid("key")).isEqualTo("true");
        assertThat(bad.describedBy("key", "key-hint")).isEqualTo("key-hint key-error");
        assertThat(ok.invalid("key")).isNull();
        assertThat(ok.describedBy("key", null)).isNull();
        assertThat(ok.describedBy("key", "key-hint")).isEqualTo("key-hint");

        assertThat(EnvironmentForm.parseCreate(form()).error("key")).startsWith("Enter a key");
    }

    @Test
    void anEditNeedsANameAndTheRevisionItWasReadAt() {
        EnvironmentForm ok = EnvironmentForm.parseEdit("staging", form("name", "Staging", "revision", "3",
                "protected", "on"));
        assertThat(ok.valid()).isTrue();
        assertThat(ok.protectedEnvironment()).isTrue();
        assertThat(ok.withError("name", "x").protectedEnvironment()).isTrue();
        assertThat(ok.revision()).isEqualTo(3);
        assertThat(ok.editing()).isTrue();
        EnvironmentForm bad = EnvironmentForm.parseEdit("staging", form("name", "  ", "revision", "x"));
        assertThat(bad.errors()).containsOnlyKeys("name", "revision");
        assertThat(bad.withError("description", "too long").errors()).containsKeys("name", "revision",
                "description");
        assertThat(new EnvironmentFormView(null, ok, null).action()).isEqualTo("/ui/environments/staging");
        assertThat(new EnvironmentFormView(null, EnvironmentForm.blank(), null).action())
                .isEqualTo("/ui/environments");
    }

    @Test
    void aKeyNeedsANameARoleAndAnEnvironmentExactlyWhenItIsASidecarKey() {
        KeyForm viewer = KeyForm.parse(form("name", "Dashboard", "role", "viewer", "once", "t1"));
        assertThat(viewer.valid()).isTrue();
        assertThat(viewer.parsedRole()).isEqualTo(Role.VIEWER);
        assertThat(viewer.environmentOrNull()).isNull();
        assertThat(viewer.once()).isEqualTo("t1");

        KeyForm sidecar = KeyForm.parse(form("name", "Prod sidecars", "role", "sidecar", "environment",
                "production"));
        assertThat(sidecar.valid()).isTrue();
        assertThat(sidecar.environmentOrNull()).isEqualTo("production");

        assertThat(KeyForm.parse(form("name", "x", "role", "sidecar")).error("environment"))
                .startsWith("Choose the environment");
        assertThat(KeyForm.parse(form("name", "x", "role", "editor", "environment", "production"))
                .error("environment")).contains("Only sidecar keys", "an editor key");
        assertThat(KeyForm.parse(form("name", "x", "role", "owner")).error("role")).contains("\u201cowner\u201d");
        assertThat(KeyForm.parse(form("name", "x")).error("role")).isEqualTo("Choose a role.");
        assertThat(KeyForm.parse(form("name", " ", "role", "viewer")).error("name")).startsWith("Enter a name");
        assertThat(KeyForm.parse(form("name", "<script>", "role", "viewer")).error("name"))
                .startsWith("Must be plain text");
        assertThat(KeyForm.blank("t").isRole("viewer")).isTrue();
        assertThat(KeyForm.ROLES).extracting(Map.Entry::getKey).containsExactly("viewer", "editor", "admin",
                "sidecar");
    }

    @Test
    void theKeyListShowsOnlyAKeysPrefixAndWarnsBeforeRevokingTheSignedInKey() {
        UUID mine = UUID.randomUUID();
        OffsetDateTime t = OffsetDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneOffset.UTC);
        ApiKey k = new ApiKey(mine, "Me", "admin", null, "abcdefghijkl", t, null, null);
        ApiKey other = new ApiKey(UUID.randomUUID(), "Other", "viewer", null, "mnopqrstuvwx", t, null, null);
        KeyListView view = new KeyListView(null, KeyForm.blank("t"), List.of(), List.of(k, other), 2, null, null,
                null, true, mine, t.toInstant().plusSeconds(300));
        assertThat(KeyListView.shown(k)).isEqualTo("gdn_abcdefghijkl_\u2026");
        assertThat(view.revokeQuestion(k)).contains("you will be signed out");
        assertThat(view.revokeQuestion(other)).contains("\u201cOther\u201d").doesNotContain("signed out");
        assertThat(view.ago(t)).isEqualTo("5 min ago");
    }

    @Test
    void momentsAreRelativeForAGlanceAndExactInUtc() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        OffsetDateTime at = OffsetDateTime.parse("2026-12-01T13:00:00+01:00");
        assertThat(Moments.ago(at, now)).isEqualTo("just now");
        assertThat(Moments.ago(at.minusSeconds(59), now)).isEqualTo("just now");
        assertThat(Moments.ago(at.minusMinutes(5), now)).isEqualTo("5 min ago");
        assertThat(Moments.ago(at.minusHours(3), now)).isEqualTo("3 h ago");
        assertThat(Moments.ago(at.minusDays(1), now)).isEqualTo("1 day ago");
        assertThat(Moments.ago(at.minusDays(29), now)).isEqualTo("29 days ago");
        assertThat(Moments.ago(at.minusDays(45), now)).isEqualTo("2026-10-17");
        assertThat(Moments.ago(at.plusMinutes(2), now)).as("a clock ahead").isEqualTo("just now");
        assertThat(Moments.ago(null, now)).isEqualTo("never");
        assertThat(Moments.exact(at)).isEqualTo("2026-12-01 12:00:00 UTC");
        assertThat(Moments.iso(at)).isEqualTo("2026-12-01T12:00:00Z");
        assertThat(Moments.iso(null)).isNull();
    }
}
