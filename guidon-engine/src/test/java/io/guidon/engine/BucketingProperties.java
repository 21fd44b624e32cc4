package io.guidon.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Our allocation-free MurmurHash3 against Guava's, the independent reference, on any text at all. */
class BucketingProperties {

    private static int guava(String salt, String value) {
        return Hashing.murmur3_32_fixed().hashBytes((salt + "/" + value).getBytes(UTF_8)).asInt();
    }

    /** Text from every UTF-8 length class, with emoji (surrogate pairs) and lone surrogates. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0x00, 0x1f)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7ff)),
                Tuple.of(2, Arbitraries.integers().between(0x800, 0xffff)),
                Tuple.of(2, Arbitraries.integers().between(0x1f300, 0x1faff)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)),
                Tuple.of(1, Arbitraries.integers().between(0xd800, 0xdfff)));
        return codePoint.list().ofMaxSize(40).map(BucketingProperties::fromCodePoints);
    }

    private static String fromCodePoints(List<Integer> codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int cp : codePoints) {
            sb.appendCodePoint(cp); // a surrogate code point appends one unpaired char
        }
        return sb.toString();
    }

    @Property
    void murmur3EqualsGuavaOnAnyText(@ForAll("text") String salt, @ForAll("text") String value) {
        assertThat(Bucketing.murmur3(Bucketing.saltPrefix(salt), value)).isEqualTo(guava(salt, value));
    }

    @Property
    void murmur3EqualsGuavaOnJqwiksOwnStrings(@ForAll String salt, @ForAll String value) {
        assertThat(Bucketing.murmur3(Bucketing.saltPrefix(salt), value)).isEqualTo(guava(salt, value));
    }

    @Property
    void theBucketIsTheUnsignedHashModulo100000(@ForAll("text") String salt, @ForAll("text") String value) {
        int bucket = Bucketing.bucket(salt, value);
        assertThat(bucket).isEqualTo((int) (Integer.toUnsignedLong(guava(salt, value)) % 100_000));
        assertThat(bucket).isBetween(0, Bucketing.BUCKETS - 1);
    }

    @Property
    void theSaltPrefixOverloadBucketsAlike(@ForAll("text") String salt, @ForAll("text") String value) {
        assertThat(Bucketing.bucket(Bucketing.saltPrefix(salt), value)).isEqualTo(Bucketing.bucket(salt, value));
    }
}
