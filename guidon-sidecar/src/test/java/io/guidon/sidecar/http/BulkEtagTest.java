package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bulk answer's ETag: MurmurHash3 x64 128 of the content hash and the body, and what a validator needs of it. */
class BulkEtagTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static FlagSet compile(String document) {
        Compilation c = new FlagDocumentCompiler().compile(utf8(document));
        assertThat(c.errors()).isEmpty();
        return c.flagSet();
    }

    private static final String ON = "{\"flags\":{\"a\":{\"enabled\":true,\"variants\":{\"on\":true,"
            + "\"off\":false},\"offVariant\":\"off\",\"fallthrough\":{\"variant\":\"on\"}}}}";
    private static final String OFF = ON.replace("{\"variant\":\"on\"}", "{\"variant\":\"off\"}");

    @Test
    void hashIsMurmurHash3X64With128BitsOfTheReferenceVectors() {
        // Vectors of the reference C implementation (seed 0), as Guava's murmur3_128 prints them: h1 then h2.
        assertThat(BulkEtag.hash128(new byte[0], utf8("The quick brown fox jumps over the lazy dog")))
                .containsExactly(0xe34bbc7bbc071b6cL, 0x7a433ca9c49a9347L);
        assertThat(BulkEtag.hash128(new byte[0], new byte[0])).containsExactly(0L, 0L);
        assertThat(BulkEtag.hash128(new byte[0], utf8("hello")))
                .containsExactly(0xcbd8a7b341bd9b02L, 0x5b1e906a48ae1d19L);
        assertThat(BulkEtag.hash128(new byte[0], utf8("0123456789abcdefg")))
                .containsExactly(0x8e32612daa45f9deL, 0x0800f4c206c372eeL);
    }

    @Test
    void aHeadOfWholeBlocksHashesAsTheSameBytesInOneArray() {
        byte[] all = new byte[80];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (i * 37 + 11);
        }
        for (int length = 32; length <= all.length; length++) {
            byte[] message = Arrays.copyOf(all, length);
            long[] whole = BulkEtag.hash128(new byte[0], message);
            long[] split = BulkEtag.hash128(Arrays.copyOf(message, 32), Arrays.copyOfRange(message, 32, length));

            assertThat(split).as("length %d", length).containsExactly(whole);
        }
        assertThatThrownBy(() -> BulkEtag.hash128(new byte[5], new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameContentAndBodyGiveTheSameTagAcrossInstancesAndSets() {
        byte[] body = utf8("{\"context\":{\"targetingKey\":\"user-1\"}}");
        String first = new BulkEtag().of(compile(ON), body);
        BulkEtag reused = new BulkEtag();
        reused.of(compile(OFF), body);

        // A second compilation of the same document is another FlagSet with the same content.
        assertThat(reused.of(compile(ON), body)).isEqualTo(first);
        assertThat(first).matches("\"[A-Za-z0-9_-]{22}\"");
    }

    @Test
    void tagIsTheHashOfTheContentHashFollowedByTheBody() {
        FlagSet flags = compile(ON);
        byte[] body = utf8("{\"context\":{\"targetingKey\":\"user-2\",\"plan\":\"premium\"}}");
        byte[] content = java.util.Base64.getUrlDecoder().decode(flags.contentHash());
        long[] h = BulkEtag.hash128(content, body);
        byte[] digest = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(h[0]).putLong(h[1]).array();

        assertThat(new BulkEtag().of(flags, body)).isEqualTo("\""
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "\"");
    }

    @Test
    void differentBodiesOrContentGiveDifferentTags() {
        FlagSet on = compile(ON);
        FlagSet off = compile(OFF);
        BulkEtag etag = new BulkEtag();
        Set<String> seen = new HashSet<>();
        for (int user = 0; user < 5_000; user++) {
            byte[] body = utf8("{\"context\":{\"targetingKey\":\"user-" + user + "\"}}");
            assertThat(seen.add(etag.of(on, body))).isTrue();
            assertThat(seen.add(etag.of(off, body))).isTrue();
        }
        // Bodies of every length around the 16-byte blocks, differing in their last byte only.
        for (int length = 1; length <= 48; length++) {
            byte[] a = new byte[length];
            byte[] b = new byte[length];
            b[length - 1] = 1;
            assertThat(etag.of(on, a)).as("length %d", length).isNotEqualTo(etag.of(on, b));
        }
    }
}
