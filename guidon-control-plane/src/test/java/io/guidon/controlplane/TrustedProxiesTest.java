package io.guidon.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private static final String LB = "10.0.0.5";
    private final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.10"));

    private String client(String peer, String... forwardedFor) {
        return proxies.clientAddress(peer, List.of(forwardedFor));
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        assertThat(TrustedProxies.none().clientAddress(LB, List.of("203.0.113.7"))).isEqualTo(LB);
        assertThat(TrustedProxies.of(List.of()).isEmpty()).isTrue();
    }

    @Test
    void aPeerThatIsNotATrustedProxyIsTheClientWhateverItSends() {
        assertThat(client("198.51.100.1", "203.0.113.7")).isEqualTo("198.51.100.1");
    }

    @Test
    void aTrustedPeerWithoutTheHeaderIsTheClient() {
        assertThat(client(LB)).isEqualTo(LB);
    }

    @Test
    void aTrustedProxyNamesTheClient() {
        assertThat(client(LB, "203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void trustedHopsAreSkippedFromTheRight() {
        assertThat(client(LB, "203.0.113.7, 10.1.1.1, 192.0.2.10")).isEqualTo("203.0.113.7");
    }

    @Test
    void whatTheClientWroteItselfIsNotBelieved() {
        // The client sent "X-Forwarded-For: 1.2.3.4"; the load balancer appended the address it saw.
        assertThat(client(LB, "1.2.3.4, 203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void severalHeaderLinesAreOneListInOrder() {
        assertThat(client(LB, "1.2.3.4", "203.0.113.7, 10.2.2.2")).isEqualTo("203.0.113.7");
    }

    @Test
    void anEntryThatIsNotAnAddressEndsTheWalkAtTheLastOneRead() {
        assertThat(client(LB, "203.0.113.7, unknown")).isEqualTo(LB);
        assertThat(client(LB, "unknown, 10.3.3.3")).isEqualTo("10.3.3.3");
        assertThat(client(LB, "evil.example, 203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(client(LB, "")).isEqualTo(LB);
        assertThat(client(LB, "203.0.113.7,")).isEqualTo(LB);
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        assertThat(client(LB, "10.9.9.9, 10.8.8.8")).isEqualTo("10.9.9.9");
    }

    @Test
    void portsAndBracketsAreUnderstood() {
        assertThat(client(LB, "203.0.113.7:4711")).isEqualTo("203.0.113.7");
        assertThat(client(LB, "[2001:db8::1]:4711")).isEqualTo("2001:db8::1");
        assertThat(client(LB, "[2001:db8::1]")).isEqualTo("2001:db8::1");
        assertThat(client(LB, "203.0.113.7:http")).isEqualTo(LB);
        assertThat(client(LB, "[2001:db8::1]x")).isEqualTo(LB);
    }

    @Test
    void ipv6RangesAndAddressesWorkAndAreWrittenInOneForm() {
        assertThat(client("fd00:0:0:0:0:0:0:5", "2001:DB8:0:0:0:0:0:1")).isEqualTo("2001:db8::1");
        assertThat(client("2001:db8::9", "203.0.113.7")).isEqualTo("2001:db8::9");
    }

    @Test
    void anIpv4ClientSeenThroughAnIpv6SocketIsTheIpv4Client() {
        assertThat(client("::ffff:10.0.0.5", "::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void aSingleAddressIsARangeOfOne() {
        assertThat(client("192.0.2.10", "203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(client("192.0.2.11", "203.0.113.7")).isEqualTo("192.0.2.11");
    }

    @Test
    void anUnreadablePeerIsPassedThrough() {
        assertThat(client("not-an-address", "203.0.113.7")).isEqualTo("not-an-address");
    }

    @Test
    void aVeryLongChainOfTrustedHopsStopsAfterTheLimit() {
        // 40 trusted hops: the walk gives up after MAX_HOPS and takes the last one it read.
        List<String> hops = Collections.nCopies(40, "10.7.7.7");
        String header = "203.0.113.7, " + String.join(", ", hops);
        assertThat(client(LB, header)).isEqualTo("10.7.7.7");
    }

    @Test
    void badRangesAreRefusedByName() {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/8", "lb.internal")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lb.internal'");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33")))
                .hasMessageContaining("'10.0.0.0/33'").hasMessageContaining("0 to 32");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("fd00::/129"))).hasMessageContaining("0 to 128");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/x"))).hasMessageContaining("'10.0.0.0/x'");
    }

    @Test
    void aRangeCoversItsWholePrefix() {
        TrustedProxies wide = TrustedProxies.of(List.of("172.16.0.0/12"));
        assertThat(wide.clientAddress("172.31.255.254", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(wide.clientAddress("172.32.0.1", List.of("203.0.113.7"))).isEqualTo("172.32.0.1");
        assertThat(wide.ranges()).containsExactly("172.16.0.0/12");
    }
}
