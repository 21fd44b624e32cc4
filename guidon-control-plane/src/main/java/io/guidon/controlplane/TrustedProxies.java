package io.guidon.controlplane;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Which peers may say who the client is ({@code http.trusted-proxies}). Behind a load balancer or an ingress every
 * request arrives from the proxy's address, so a per-address rate limit would put every unauthenticated caller in
 * one bucket; a trusted proxy's {@code X-Forwarded-For} names the real client. The header is believed only when
 * the TCP peer lies in a trusted range, and it is read from the right (the hop the nearest proxy saw), skipping
 * further trusted proxies: the first address that is not a trusted proxy is the client. Entries to its left were
 * written by the client or by proxies nobody vouches for, so a client cannot pick its own address by sending the
 * header itself. An entry that is not an IP address ({@code unknown}, an obfuscated RFC 7239 name) ends the walk
 * at the last address that could be read.
 *
 * <p>Ranges are matched with Netty's {@link IpSubnetFilterRule} (IPv4 and IPv6, already on the classpath with
 * Vert.x); addresses are parsed as literals only, never looked up in DNS, and returned in one canonical form
 * (RFC 5952 for IPv6) so that the same client always lands in the same bucket. With no trusted ranges (the
 * default) the peer is returned as given and nothing is parsed. Immutable and thread-safe.
 */
public final class TrustedProxies {

    /** The walk stops here: a longer chain is either misconfigured or an attempt to make the server work. */
    static final int MAX_HOPS = 32;

    private static final TrustedProxies NONE = new TrustedProxies(new IpSubnetFilterRule[0], List.of());

    private final IpSubnetFilterRule[] ranges;
    private final List<String> cidrs;

    private TrustedProxies(IpSubnetFilterRule[] ranges, List<String> cidrs) {
        this.ranges = ranges;
        this.cidrs = cidrs;
    }

    /** Nobody is trusted: the client is always the TCP peer. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * Parses ranges such as {@code 10.0.0.0/8}, {@code fd00::/8} or a single address ({@code 192.0.2.10}, meaning
     * /32 or /128).
     *
     * @throws IllegalArgumentException naming the first range that is not an IP address with an optional prefix
     */
    public static TrustedProxies of(List<String> ranges) {
        if (ranges.isEmpty()) {
            return NONE;
        }
        IpSubnetFilterRule[] rules = new IpSubnetFilterRule[ranges.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = range(ranges.get(i));
        }
        return new TrustedProxies(rules, List.copyOf(ranges));
    }

    private static IpSubnetFilterRule range(String cidr) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP address or a range such as 10.0.0.0/8 "
                    + "or fd00::/8");
        }
        int bits = address instanceof Inet4Address ? 32 : 128;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("'" + cidr + "' has a prefix length that is not 0 to " + bits);
            }
            prefix = Integer.parseInt(p);
        }
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    /** The ranges as configured, for logs. */
    public List<String> ranges() {
        return cidrs;
    }

    /** Whether {@code peer} (an address literal) is one of the trusted proxies (false when it is not a literal). */
    public boolean trusts(String peer) {
        if (ranges.length == 0 || peer == null) {
            return false;
        }
        InetAddress address = parse(peer);
        return address != null && trusted(address);
    }

    /**
     * The client's address.
     *
     * @param peer the TCP peer's address (a literal)
     * @param forwardedFor every {@code X-Forwarded-For} header of the request, in order; each may hold a
     *     comma-separated list of hops
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (ranges.length == 0) {
            return peer;
        }
        InetAddress peerAddress = parse(peer);
        if (peerAddress == null) {
            return peer;
        }
        String client = NetUtil.toAddressString(peerAddress);
        if (!trusted(peerAddress)) {
            return client;
        }
        int walked = 0;
        for (int line = forwardedFor.size() - 1; line >= 0; line--) {
            String[] hops = forwardedFor.get(line).split(",", -1);
            for (int i = hops.length - 1; i >= 0; i--) {
                if (walked++ == MAX_HOPS) {
                    return client;
                }
                InetAddress hop = parse(hops[i]);
                if (hop == null) {
                    return client;
                }
                client = NetUtil.toAddressString(hop);
                if (!trusted(hop)) {
                    return client;
                }
            }
        }
        return client;
    }

    private boolean trusted(InetAddress address) {
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        for (int i = 0; i < ranges.length; i++) {
            if (ranges[i].matches(socket)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An address literal as proxies write it: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code 2001:db8::1} or
     * {@code [2001:db8::1]:4711}; null for anything else.
     */
    static InetAddress parse(String hop) {
        if (hop == null) {
            return null;
        }
        String t = hop.trim();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || (close + 1 < t.length() && !(t.charAt(close + 1) == ':' && isPort(t, close + 2)))) {
                return null;
            }
            t = t.substring(1, close);
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            // One colon: an IPv4 address with a port (an IPv6 literal has at least two).
            int colon = t.indexOf(':');
            if (!isPort(t, colon + 1)) {
                return null;
            }
            t = t.substring(0, colon);
        }
        // NetUtil gives an IPv4 client seen through an IPv6 socket (::ffff:192.0.2.1) as the IPv4 address.
        return NetUtil.createInetAddressFromIpAddressString(t);
    }

    /** Whether {@code s} from {@code from} to its end is 1 to 5 digits. */
    private static boolean isPort(String s, int from) {
        int n = s.length() - from;
        if (n < 1 || n > 5) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
