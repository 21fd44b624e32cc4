package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /**
     * The IANA IPv4 and IPv6 Special-Purpose Address Registries walked row by row: an address in each range that is
     * not globally reachable is refused with its kind (IPv6 forms carrying an IPv4 address by that address's kind),
     * and the globally reachable ones of the same registries pass.
     */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(nullValues = "ALLOWED", value = {
        // IPv4 registry
        "0.1.2.3, unspecified", "10.9.8.7, private", "100.127.0.1, shared (carrier-grade NAT)",
        "127.0.0.53, loopback", "169.254.169.254, link-local", "172.20.0.1, private",
        "192.0.0.8, IETF protocol assignments", "192.0.2.10, documentation", "192.88.99.1, 6to4 relay anycast"
            + " (deprecated)", "192.168.1.1, private", "198.19.255.1, benchmarking", "198.51.100.7, documentation",
        "203.0.113.9, documentation", "240.0.0.1, reserved", "255.255.255.255, broadcast", "239.1.1.1, multicast",
        "192.31.196.1, ALLOWED", "192.52.193.1, ALLOWED", "192.175.48.1, ALLOWED",
        // IPv6 registry
        "::1, loopback", "::, unspecified", "::ffff:10.0.0.1, private", "::ffff:0:7f00:1, loopback",
        "::ffff:0:a9fe:a9fe, link-local", "::ffff:0:808:808, ALLOWED", "64:ff9b::7f00:1, loopback",
        "64:ff9b::808:808, ALLOWED", "64:ff9b:1::1, local-use IPv4/IPv6 translation",
        "64:ff9b:1:ffff::808:808, local-use IPv4/IPv6 translation", "100::1, discard-only",
        "100:0:0:1::1, dummy IPv6 prefix", "2001::1, Teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2, Teredo",
        "2001:1::1, IETF protocol assignments", "2001:2::1, benchmarking", "2001:10::1, IETF protocol assignments",
        "2001:db8::1, documentation", "2001:db8:ffff::1, documentation", "3fff::1, documentation",
        "3fff:fff:ffff::1, documentation", "5f00::1, segment routing (SRv6) SID", "2002:7f00:1::1, loopback",
        "2002:808:808::1, ALLOWED", "fc00::1, unique-local", "fdff::1, unique-local", "fe80::1, link-local",
        "febf::1, link-local", "fec0::1, site-local", "ff02::1, multicast", "2620:4f:8000::1, ALLOWED",
        "2001:200::1, ALLOWED", "2a00:1450::1, ALLOWED", "4000::1, ALLOWED"})
    void everySpecialPurposeRangeThatIsNotGloballyReachableIsRefused(String address, String kind) throws Exception {
        assertThat(none.refusal(ip(address))).isEqualTo(kind);
    }

    @Test
    void aKindIsNamedWithTheArticleItsSoundTakes() {
        assertThat(AddressPolicy.kindOf("unspecified")).isEqualTo("an unspecified address");
        assertThat(AddressPolicy.kindOf("IETF protocol assignments")).isEqualTo("an IETF protocol assignments address");
        assertThat(AddressPolicy.kindOf("IPv4-mapped")).isEqualTo("an IPv4-mapped address");
        assertThat(AddressPolicy.kindOf("unique-local")).isEqualTo("a unique-local address");
        assertThat(AddressPolicy.kindOf("loopback")).isEqualTo("a loopback address");
        assertThat(AddressPolicy.kindOf("6to4 relay anycast (deprecated)"))
                .isEqualTo("a 6to4 relay anycast (deprecated) address");
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
