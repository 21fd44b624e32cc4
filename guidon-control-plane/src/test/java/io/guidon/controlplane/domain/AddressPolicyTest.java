package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByAddress(io.netty.util.NetUtil.createByteArrayFromIpAddressString(literal));
    }

    private final AddressPolicy none = AddressPolicy.of(List.of());

    @Test
    void internalAddressesAreRefusedByDefaultSayingWhy() throws Exception {
        assertThat(none.refusal(ip("127.0.0.1"))).isEqualTo("loopback");
        assertThat(none.refusal(ip("::1"))).isEqualTo("loopback");
        assertThat(none.refusal(ip("10.1.2.3"))).isEqualTo("private");
        assertThat(none.refusal(ip("172.31.255.255"))).isEqualTo("private");
        assertThat(none.refusal(ip("192.168.0.10"))).isEqualTo("private");
        assertThat(none.refusal(ip("169.254.169.254"))).isEqualTo("link-local");
        assertThat(none.refusal(ip("fe80::1"))).isEqualTo("link-local");
        assertThat(none.refusal(ip("fd12:3456::1"))).isEqualTo("unique-local");
        assertThat(none.refusal(ip("100.64.0.1"))).isEqualTo("shared (carrier-grade NAT)");
        assertThat(none.refusal(ip("224.0.0.251"))).isEqualTo("multicast");
        assertThat(none.refusal(ip("ff02::1"))).isEqualTo("multicast");
        assertThat(none.refusal(ip("0.0.0.0"))).isEqualTo("unspecified");
        assertThat(none.refusal(ip("::"))).isEqualTo("unspecified");
        assertThat(none.refusal(ip("255.255.255.255"))).isEqualTo("broadcast");
    }

    @Test
    void ipv4AddressesWrittenAsIpv6AreJudgedAsTheAddressTheyCarry() throws Exception {
        assertThat(none.refusal(ip("::ffff:127.0.0.1"))).isEqualTo("loopback");
        assertThat(none.refusal(ip("::ffff:10.0.0.1"))).isEqualTo("private");
        assertThat(none.refusal(ip("2002:a9fe:a9fe::1"))).isEqualTo("link-local"); // 6to4 of 169.254.169.254
        assertThat(none.refusal(ip("64:ff9b::c0a8:0001"))).isEqualTo("private"); // NAT64 of 192.168.0.1
    }

    @Test
    void publicAddressesAreAllowed() throws Exception {
        assertThat(none.refusal(ip("93.184.216.34"))).isNull();
        assertThat(none.refusal(ip("172.32.0.1"))).isNull();
        assertThat(none.refusal(ip("2606:4700::1111"))).isNull();
    }

    @Test
    void theAllowListLetsItsRangesThroughAndNothingElse() throws Exception {
        AddressPolicy policy = AddressPolicy.of(List.of("127.0.0.0/8", "10.20.0.0/16", "fd00:1::/64"));

        assertThat(policy.refusal(ip("127.0.0.1"))).isNull();
        assertThat(policy.refusal(ip("::ffff:127.0.0.1"))).isNull();
        assertThat(policy.refusal(ip("10.20.9.9"))).isNull();
        assertThat(policy.refusal(ip("10.21.0.1"))).isEqualTo("private");
        assertThat(policy.refusal(ip("fd00:1::5"))).isNull();
        assertThat(policy.refusal(ip("fd00:2::5"))).isEqualTo("unique-local");
        assertThat(policy.refusal(ip("::1"))).isEqualTo("loopback");
    }

    @Test
    void anAllowListEntryThatIsNotARangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> AddressPolicy.of(List.of("10.0.0.0/33", "example.com", "10.0.0.0/x")))
                .hasMessageContaining("'10.0.0.0/33': the prefix length is 0 to 32")
                .hasMessageContaining("'example.com' is not an IP address")
                .hasMessageContaining("'10.0.0.0/x' has no prefix length");
    }
}
