package io.guidon.controlplane.domain;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses webhooks may be sent to (server-side request forgery, docs/webhooks.md#ssrf): by default none in
 * a range of the IANA special-purpose registries that is not globally reachable (loopback, link-local with the cloud
 * metadata services, private, shared (carrier-grade NAT), unique-local, multicast, broadcast, unspecified,
 * documentation, benchmarking, discard-only, local-use NAT64, IETF protocol assignments, Teredo...), IPv4 ones
 * written as IPv6 (mapped, translated, compatible, 6to4, NAT64) judged as the IPv4 address they carry; except those in the allow-list ({@code webhooks.allowed-addresses}, CIDR ranges).
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

    /**
     * Every range of the IANA IPv4 and IPv6 Special-Purpose Address Registries (as of RFC 9637 and RFC 9780) that is
     * not globally reachable, and the IPv6 forms that carry an address not worth judging (Teredo: an obfuscated
     * client address behind a relay). First match wins, so narrower ranges come before the wider ones holding them.
     * The IPv6 forms that carry an IPv4 address where it can be read (mapped, translated, compatible, 6to4, NAT64
     * 64:ff9b::/96) are judged as that address ({@link #embeddedIpv4}) before this list is.
     */
    private static final List<Refused> REFUSED = List.of(
            refuse("0.0.0.0/8", "unspecified"), refuse("127.0.0.0/8", "loopback"),
            refuse("10.0.0.0/8", "private"), refuse("172.16.0.0/12", "private"), refuse("192.168.0.0/16", "private"),
            refuse("100.64.0.0/10", "shared (carrier-grade NAT)"), refuse("169.254.0.0/16", "link-local"),
            refuse("192.0.0.0/24", "IETF protocol assignments"), refuse("192.0.2.0/24", "documentation"),
            refuse("198.51.100.0/24", "documentation"), refuse("203.0.113.0/24", "documentation"),
            refuse("192.88.99.0/24", "6to4 relay anycast (deprecated)"), refuse("198.18.0.0/15", "benchmarking"),
            refuse("224.0.0.0/4", "multicast"), refuse("255.255.255.255/32", "broadcast"),
            refuse("240.0.0.0/4", "reserved"),
            refuse("::/128", "unspecified"), refuse("::1/128", "loopback"),
            refuse("::/96", "IPv4-compatible (deprecated)"), refuse("::ffff:0:0/96", "IPv4-mapped"),
            refuse("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"), refuse("100::/64", "discard-only"),
            refuse("100:0:0:1::/64", "dummy IPv6 prefix"), refuse("2001::/32", "Teredo"),
            refuse("2001:2::/48", "benchmarking"), refuse("2001:db8::/32", "documentation"),
            refuse("2001::/23", "IETF protocol assignments"), refuse("3fff::/20", "documentation"),
            refuse("5f00::/16", "segment routing (SRv6) SID"),
            refuse("fe80::/10", "link-local"), refuse("fec0::/10", "site-local"), refuse("fc00::/7", "unique-local"),
            refuse("ff00::/8", "multicast"));

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

    /** {@code why} (a {@link #refusal}) with its article: "a loopback address", "an IETF protocol ... address". */
    public static String kindOf(String why) {
        // By sound, not spelling: "an IETF", "an IPv4-mapped", "a unique-local", "a unspecified" would be wrong.
        boolean vowelSound = why.startsWith("IETF") || why.startsWith("IPv4") || why.startsWith("unspecified")
                || why.startsWith("SRv6") || why.matches("^[aeio].*");
        return (vowelSound ? "an " : "a ") + why + " address";
    }

    private static Refused refuse(String cidr, String why) {
        return new Refused(Range.parse(cidr), why);
    }

    /**
     * Why a webhook may not be sent to {@code address} ("loopback", "private", ...: the kind of range, to follow
     * "a"/"an" by {@link #kindOf}), or null when it may: an allowed address may, whatever its kind.
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

    /**
     * The IPv4 address an IPv6 one carries where it can be read: mapped {@code ::ffff:0:0/96}, translated
     * {@code ::ffff:0:0:0/96} (RFC 2765), compatible {@code ::/96} (deprecated; not {@code ::} nor {@code ::1}),
     * 6to4 {@code 2002::/16}, NAT64 {@code 64:ff9b::/96} (RFC 6052). Null for any other address.
     */
    static byte[] embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        byte[] last = {b[12], b[13], b[14], b[15]};
        if (zeros(b, 0, 8)) {
            int w4 = word(b, 8);
            int w5 = word(b, 10);
            if (w4 == 0 && w5 == 0xFFFF) {
                return last; // mapped
            }
            if (w4 == 0xFFFF && w5 == 0) {
                return last; // translated (RFC 2765)
            }
            if (w4 == 0 && w5 == 0 && !(zeros(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
                return last; // compatible
            }
            return null;
        }
        if (word(b, 0) == 0x2002) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        if (word(b, 0) == 0x0064 && word(b, 2) == 0xFF9B && zeros(b, 4, 12)) {
            return last;
        }
        return null;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int word(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
