package io.guidon.controlplane.domain;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses webhooks may be sent to (server-side request forgery, docs/webhooks.md#ssrf): by default none in
 * the loopback, link-local (cloud metadata services among them), private, shared (carrier-grade NAT), unique-local,
 * multicast, broadcast or unspecified ranges, IPv4 ones written as IPv6 (mapped, compatible, 6to4, NAT64) judged as
 * the IPv4 address they carry; except those in the allow-list ({@code webhooks.allowed-addresses}, CIDR ranges).
 * Judged on the address a delivery connects to, resolved at delivery time (a name that resolved to a public address
 * when the subscription was made may not resolve to it later). Pure.
 */
public final class AddressPolicy {

    /** A CIDR range: the network's bytes and its prefix length. */
    public record Range(byte[] network, int prefix) {

        /**
         * {@code 10.0.0.0/8}, {@code fd00::/8}, or a single address (a /32 or /128).
         *
         * @throws IllegalArgumentException naming what is wrong
         */
        public static Range parse(String cidr) {
            String s = cidr.strip();
            int slash = s.indexOf('/');
            String address = slash < 0 ? s : s.substring(0, slash);
            // A literal only: never a name (no DNS lookup).
            byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(address);
            if (bytes == null) {
                throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR range");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + cidr + "' has no prefix length after '/'");
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("'" + cidr + "': the prefix length is 0 to "
                            + bytes.length * 8);
                }
            }
            return new Range(bytes, prefix);
        }

        /** Whether {@code a} is in this range (an IPv4 address never is in an IPv6 range, nor the reverse). */
        public boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private record Refused(Range range, String why) {
    }

    private static final List<Refused> REFUSED = List.of(
            refuse("0.0.0.0/8", "unspecified"), refuse("127.0.0.0/8", "loopback"),
            refuse("10.0.0.0/8", "private"), refuse("172.16.0.0/12", "private"), refuse("192.168.0.0/16", "private"),
            refuse("100.64.0.0/10", "shared (carrier-grade NAT)"), refuse("169.254.0.0/16", "link-local"),
            refuse("192.0.0.0/24", "IETF protocol assignments"), refuse("198.18.0.0/15", "benchmarking"),
            refuse("224.0.0.0/4", "multicast"), refuse("255.255.255.255/32", "broadcast"),
            refuse("240.0.0.0/4", "reserved"),
            refuse("::/128", "unspecified"), refuse("::1/128", "loopback"), refuse("fe80::/10", "link-local"),
            refuse("fec0::/10", "site-local"), refuse("fc00::/7", "unique-local"), refuse("ff00::/8", "multicast"));

    private final List<Range> allowed;

    /** A policy that allows {@code allowed} (CIDR ranges) whatever their kind. */
    public AddressPolicy(List<Range> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /**
     * Reads the allow-list ({@code webhooks.allowed-addresses}).
     *
     * @throws IllegalArgumentException naming each entry that is not a CIDR range
     */
    public static AddressPolicy of(List<String> allowed) {
        List<Range> ranges = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String a : allowed) {
            try {
                ranges.add(Range.parse(a));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new AddressPolicy(ranges);
    }

    private static Refused refuse(String cidr, String why) {
        return new Refused(Range.parse(cidr), why);
    }

    /**
     * Why a webhook may not be sent to {@code address} ("loopback", "private", ...), or null when it may: an
     * allowed address may, whatever its kind.
     */
    public String refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range r : allowed) {
            if (r.contains(bytes)) {
                return null;
            }
        }
        byte[] v4 = embeddedIpv4(address);
        if (v4 != null) {
            for (Range r : allowed) {
                if (r.contains(v4)) {
                    return null;
                }
            }
            bytes = v4;
        }
        for (Refused r : REFUSED) {
            if (r.range().contains(bytes)) {
                return r.why();
            }
        }
        return null;
    }

    /** The IPv4 address an IPv6 one carries (mapped ::ffff:0:0/96, compatible ::/96, 6to4 2002::/16, NAT64 64:ff9b::/96). */
    private static byte[] embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        boolean zeros80 = true;
        for (int i = 0; i < 10; i++) {
            zeros80 &= b[i] == 0;
        }
        if (zeros80 && ((b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) || (b[10] == 0 && b[11] == 0
                && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1))))) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xFF && b[3] == (byte) 0x9B) {
            boolean middle = true;
            for (int i = 4; i < 12; i++) {
                middle &= b[i] == 0;
            }
            if (middle) {
                return new byte[] {b[12], b[13], b[14], b[15]};
            }
        }
        return null;
    }
}
