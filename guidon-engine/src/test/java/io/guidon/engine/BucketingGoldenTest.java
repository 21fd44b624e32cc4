package io.guidon.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden vectors (src/test/resources/engine/bucket-vectors.json, also docs/bucket-vectors.md): computed once with
 * Guava, so that a change to our hand-written MurmurHash3 that Guava happened to share could not go unnoticed,
 * and so that SDKs in other languages have numbers to check against.
 */
class BucketingGoldenTest {

    record Vector(String salt, String value, int hash, long hashUnsigned, int bucket) {
        @Override
        public String toString() {
            return "\"" + salt + "\" / \"" + value + "\"";
        }
    }

    static List<Vector> vectors() throws IOException {
        try (InputStream in = BucketingGoldenTest.class.getClassLoader()
                .getResourceAsStream("engine/bucket-vectors.json")) {
            assertThat(in).isNotNull();
            List<Vector> out = new ArrayList<>();
            for (JsonNode v : Flags.MAPPER.readTree(in)) {
                out.add(new Vector(v.get("salt").textValue(), v.get("value").textValue(), v.get("hash").intValue(),
                        v.get("hashUnsigned").longValue(), v.get("bucket").intValue()));
            }
            return out;
        }
    }

    static Stream<Vector> eachVector() throws IOException {
        return vectors().stream();
    }

    @ParameterizedTest
    @MethodSource("eachVector")
    void theEngineBucketsAsTheVectorSays(Vector v) {
        assertThat(Bucketing.bucket(v.salt(), v.value())).isEqualTo(v.bucket());
        assertThat(Bucketing.murmur3(Bucketing.saltPrefix(v.salt()), v.value())).isEqualTo(v.hash());
    }

    @ParameterizedTest
    @MethodSource("eachVector")
    void theVectorIsConsistentWithGuava(Vector v) {
        int guava = Hashing.murmur3_32_fixed().hashBytes((v.salt() + "/" + v.value()).getBytes(UTF_8)).asInt();
        assertThat(guava).isEqualTo(v.hash());
        assertThat(Integer.toUnsignedLong(v.hash())).isEqualTo(v.hashUnsigned());
        assertThat(v.hashUnsigned() % Bucketing.BUCKETS).isEqualTo(v.bucket());
    }

    @Test
    void theVectorsCoverWhatTheyShould() throws IOException {
        List<Vector> vectors = vectors();
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(20);
        assertThat(vectors).extracting(Vector::value)
                .contains("", "alice@example.com", "9b2d3c1e-5f4a-4e8b-a1c7-3d6f0e2b8a94", "José", "Müller", "日本", "🎉");
        assertThat(vectors).anySatisfy(v -> assertThat(v.hash()).isNegative());
        assertThat(vectors).anySatisfy(v -> assertThat(v.salt()).isNotIn("new-checkout", v.value()));
    }

    @Test
    void theHashIsPublishedMurmurHash3() {
        // Published MurmurHash3_x86_32 values with seed 0, independent of Guava and of us.
        assertThat(Bucketing.murmur3(new byte[0], "")).isZero();
        assertThat(Bucketing.murmur3(new byte[0], "hello")).isEqualTo(0x248bfa47);
        assertThat(Bucketing.murmur3(new byte[0], "The quick brown fox jumps over the lazy dog"))
                .isEqualTo(0x2e4ff723);
    }
}
