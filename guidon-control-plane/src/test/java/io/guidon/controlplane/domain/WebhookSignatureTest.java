package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    /** Secret bytes 0..31, as {@code whsec_}. */
    private static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final byte[] BODY = "{\"type\":\"flag.toggled\",\"data\":{\"x\":1}}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theSignatureIsTheOneAnIndependentImplementationComputes() {
        // Computed with Python's hmac and base64 modules: base64(HMAC-SHA256(b64decode(secret[6:]),
        // b"msg_42_7.1764680000." + body)).
        assertThat(WebhookSignature.sign(SECRET, "msg_42_7", 1764680000L, BODY))
                .isEqualTo("v1,ebuAzUA10nKt8/2JMue+hM1KQUrNM4WzPIUIiKHuOIo=");
    }

    @Test
    void theIdTimestampAndBodyAreAllSigned() {
        String base = WebhookSignature.sign(SECRET, "msg_42_7", 1764680000L, BODY);

        assertThat(WebhookSignature.sign(SECRET, "msg_42_8", 1764680000L, BODY)).isNotEqualTo(base);
        assertThat(WebhookSignature.sign(SECRET, "msg_42_7", 1764680001L, BODY)).isNotEqualTo(base);
        assertThat(WebhookSignature.sign(SECRET, "msg_42_7", 1764680000L, "{}".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(base);
    }

    @Test
    void duringARotationTheHeaderCarriesTheNewSecretsSignatureThenTheOldOnes() {
        String old = WebhookSignature.newSecret(new SecureRandom());

        String header = WebhookSignature.header(SECRET, old, "msg_1_1", 10L, BODY);

        assertThat(header.split(" ")).containsExactly(WebhookSignature.sign(SECRET, "msg_1_1", 10L, BODY),
                WebhookSignature.sign(old, "msg_1_1", 10L, BODY));
        assertThat(WebhookSignature.header(SECRET, null, "msg_1_1", 10L, BODY)).doesNotContain(" ");
    }

    @Test
    void aNewSecretIsWhsecAndThirtyTwoRandomBytes() {
        String a = WebhookSignature.newSecret(new SecureRandom());
        String b = WebhookSignature.newSecret(new SecureRandom());

        assertThat(a).startsWith("whsec_").isNotEqualTo(b);
        assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
        assertThat(WebhookSignature.key(a)).hasSize(32);
    }

    @Test
    void somethingThatIsNotAWhsecSecretIsRefused() {
        assertThatThrownBy(() -> WebhookSignature.key("AAECAwQ=")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSignature.key("whsec_AAECAwQ=")).hasMessageContaining("24 to 64 bytes");
    }
}
