package io.guidon.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A request whose chunked body Netty's decoder cannot read is the client's fault: {@link ErrorHandler} answers it
 * 400 and does not log it as an error of the sidecar, whatever cause Vert.x hands on; an exception of our own code
 * is still a 500.
 */
class ErrorHandlerDecoderTest {

    /** The cause Netty's HTTP decoder records for {@code raw}, or null when it decodes. */
    private static Throwable decoderFailure(String raw) {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder());
        try {
            channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
            for (Object o; (o = channel.readInbound()) != null;) {
                HttpObject m = (HttpObject) o;
                if (m.decoderResult().isFailure()) {
                    return m.decoderResult().cause();
                }
                if (m instanceof HttpContent c) {
                    c.release();
                }
            }
            return null;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aChunkSizeThatIsNotHexOrOverflowsOrATrailerWithoutAColonIsTheDecoders() {
        String head = "POST /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
        String[] bodies = {"5\r\n{\"con\r\nzz\r\n", "fffffffffffffffff\r\n", "0\r\nno colon here\r\n\r\n"};
        for (String body : bodies) {
            Throwable cause = decoderFailure(head + body);
            assertThat(cause).as(body).isNotNull();
            assertThat(ErrorHandler.fromHttpDecoder(cause)).as(body).isTrue();
        }
    }

    @Test
    void anExceptionOfOurOwnIsNot() {
        assertThat(ErrorHandler.fromHttpDecoder(new NumberFormatException("For input string: \"zz\""))).isFalse();
        assertThat(ErrorHandler.fromHttpDecoder(new IllegalStateException("a bug", new RuntimeException())))
                .isFalse();
        assertThat(ErrorHandler.fromHttpDecoder(null)).isFalse();
    }
}
