package io.guidon.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final ApiKeys keys = new ApiKeys();

    @Test
    void aKeyHasAVisiblePrefixAnd256RandomBitsAndOnlyItsHashIsKept() {
        ApiKeys.NewKey k = keys.generate();

        assertThat(k.key()).matches("gdn_[a-z0-9]{12}_[A-Za-z0-9_-]{43}");
        assertThat(k.key()).startsWith("gdn_" + k.prefix() + "_");
        assertThat(ApiKeys.prefixOf(k.key())).isEqualTo(k.prefix());
        assertThat(k.hash()).hasSize(32).isEqualTo(ApiKeys.hash(k.key()));
        assertThat(ApiKeys.matches(k.key(), k.hash())).isTrue();
    }

    @Test
    void anyChangeToTheKeyFailsTheComparison() {
        ApiKeys.NewKey k = keys.generate();
        char last = k.key().charAt(k.key().length() - 1);
        String tampered = k.key().substring(0, k.key().length() - 1) + (last == 'a' ? 'b' : 'a');

        assertThat(ApiKeys.matches(tampered, k.hash())).isFalse();
    }

    @Test
    void textThatCannotBeAKeyHasNoPrefix() {
        assertThat(ApiKeys.prefixOf(null)).isNull();
        assertThat(ApiKeys.prefixOf("gdn_short_x")).isNull();
        assertThat(ApiKeys.prefixOf("gdn_ABCDEFGHIJKL_" + "a".repeat(43))).isNull();
        assertThat(ApiKeys.prefixOf("x".repeat(1000))).isNull();
    }

    @Test
    void generatedKeysAndPrefixesDoNotRepeat() {
        Set<String> prefixes = new HashSet<>();
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            ApiKeys.NewKey k = keys.generate();
            prefixes.add(k.prefix());
            all.add(k.key());
        }
        assertThat(prefixes).hasSize(2000);
        assertThat(all).hasSize(2000);
    }
}
