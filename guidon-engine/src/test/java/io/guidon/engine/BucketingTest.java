package io.guidon.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BucketingTest {

    @Test
    void theSaltPrefixIsTheSaltAndASlashInUtf8() {
        assertThat(Bucketing.saltPrefix("über")).isEqualTo("über/".getBytes(UTF_8));
        assertThat(Bucketing.saltPrefix("")).isEqualTo(new byte[] {'/'});
    }

    @Test
    void theSaltAndValueAreHashedAsOneStream() {
        // Only the concatenated bytes count, block boundaries inside the prefix included.
        assertThat(Bucketing.murmur3(Bucketing.saltPrefix("ab"), "c"))
                .isEqualTo(Bucketing.murmur3("ab/".getBytes(UTF_8), "c"))
                .isEqualTo(Bucketing.murmur3(new byte[0], "ab/c"))
                .isEqualTo(Bucketing.murmur3("a".getBytes(UTF_8), "b/c"));
        // So a salt containing '/' can collide with another salt: "a" + "b/c" and "a/b" + "c" are one input.
        assertThat(Bucketing.bucket("a", "b/c")).isEqualTo(Bucketing.bucket("a/b", "c"));
    }

    @Test
    void everyTailLengthHashesLikeTheWholeString() {
        // Lengths 0 to 8 after the prefix cover every tail case and a full block.
        for (int n = 0; n <= 8; n++) {
            String value = "x".repeat(n);
            assertThat(Bucketing.murmur3(Bucketing.saltPrefix("s"), value))
                    .isEqualTo(Bucketing.murmur3(new byte[0], "s/" + value));
        }
    }

    @Test
    void unpairedSurrogatesHashAsAQuestionMarkLikeStringGetBytes() {
        assertThat(Bucketing.murmur3(new byte[0], "a\uD83Db")).isEqualTo(Bucketing.murmur3(new byte[0], "a?b"));
        assertThat(Bucketing.murmur3(new byte[0], "\uDE00")).isEqualTo(Bucketing.murmur3(new byte[0], "?"));
        assertThat(Bucketing.murmur3(new byte[0], "\uD83D\uDE00")).isNotEqualTo(Bucketing.murmur3(new byte[0], "??"));
    }

    @Test
    void bucketsAreBelow100000() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(Bucketing.bucket("flag", "user-" + i)).isBetween(0, Bucketing.BUCKETS - 1);
        }
    }
}
