package dev.segments.export;

import dev.segments.config.SegmentsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Keeps webhooks out of the server's own network (SSRF): a webhook URL whose host resolves to a
 * loopback, link-local, private (RFC 1918, fc00::/7, fec0::/10, 100.64/10), unspecified, broadcast or
 * multicast address is refused, unless {@code segments.exports.allow-private-webhooks} is on or the
 * host (by name) or each address (by CIDR) is listed in {@code segments.exports.webhook-allowed-hosts}.
 * Checked when a destination is created and again before every delivery attempt, since DNS answers
 * can change in between.
 */
@ApplicationScoped
public class WebhookGuard {

    /** Resolves a host name to its addresses (replaceable in tests). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9.]+");

    private final boolean allowPrivate;
    private final Set<String> allowedNames = new TreeSet<>();
    private final List<Cidr> allowedRanges = new ArrayList<>();
    private final Resolver resolver;

    @Inject
    public WebhookGuard(SegmentsConfig config) {
        this(config.exports().allowPrivateWebhooks(), config.exports().webhookAllowedHosts().orElse(List.of()),
                InetAddress::getAllByName);
    }

    public WebhookGuard(boolean allowPrivate, List<String> allowed, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        for (String entry : allowed) {
            String item = entry.trim();
            if (item.isEmpty()) {
                continue;
            }
            if (item.contains("/") || item.contains(":") || IPV4_LITERAL.matcher(item).matches()) {
                allowedRanges.add(Cidr.parse(item));
            } else {
                allowedNames.add(item.toLowerCase(Locale.ROOT));
            }
        }
    }

    /**
     * Why a webhook may not be sent to this URL, or empty when it may. A host that does not resolve
     * (now) is not refused here: delivery checks again and fails to connect if it still does not.
     */
    public Optional<String> refusal(String url) {
        if (allowPrivate) {
            return Optional.empty();
        }
        String host;
        try {
            host = new URI(url).getHost();
        } catch (Exception e) {
            return Optional.of("url is not a valid URL");
        }
        if (host == null) {
            return Optional.of("url has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (allowedNames.contains(host.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
        for (InetAddress address : addresses) {
            if (isInternal(address) && allowedRanges.stream().noneMatch(range -> range.contains(address))) {
                return Optional.of("url host " + host + " resolves to " + address.getHostAddress()
                        + ", an internal address (loopback, link-local, private, unspecified or multicast); "
                        + "see segments.exports.allow-private-webhooks and segments.exports.webhook-allowed-hosts");
            }
        }
        return Optional.empty();
    }

    /** Loopback, link-local, private, unique-local, unspecified, broadcast, CGNAT or multicast. */
    public static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first == 127 || first >= 240 // reserved and broadcast
                    || first == 100 && (second & 0xc0) == 64 // 100.64.0.0/10, shared address space
                    || first == 169 && second == 254;
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) { // fc00::/7, unique local
                return true;
            }
            boolean zeroPrefix = true;
            for (int i = 0; i < 10; i++) {
                zeroPrefix &= b[i] == 0;
            }
            boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0;
            boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            if (mapped || compatible || nat64) {
                try {
                    return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An address range: network bytes and prefix length. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String literal = slash < 0 ? text : text.substring(0, slash);
            if (literal.startsWith("[") && literal.endsWith("]")) {
                literal = literal.substring(1, literal.length() - 1);
            }
            try {
                if (!literal.contains(":") && !IPV4_LITERAL.matcher(literal).matches()) {
                    throw new IllegalArgumentException("not an address: " + text);
                }
                byte[] bytes = InetAddress.getByName(literal).getAddress(); // a literal: no DNS lookup
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("bad prefix length: " + text);
                }
                return new Cidr(bytes, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("segments.exports.webhook-allowed-hosts: not a host or CIDR: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int bits = prefix;
            for (int i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((bytes[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
