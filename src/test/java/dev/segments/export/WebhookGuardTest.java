package dev.segments.export;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The SSRF guard alone: which addresses a webhook may reach, with a fake resolver (no DNS). */
class WebhookGuardTest {

    private static final Map<String, String> DNS = Map.of(
            "public.example", "93.184.216.34",
            "sneaky.example", "10.0.0.7",
            "metadata.example", "169.254.169.254",
            "v6local.example", "fd12:3456::1");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String address = DNS.get(host);
        if (address != null) {
            return new InetAddress[] {InetAddress.getByName(address)};
        }
        if (host.matches("[0-9.]+") || host.contains(":") || host.equals("localhost")) {
            return InetAddress.getAllByName(host);
        }
        throw new UnknownHostException(host);
    }

    private static final WebhookGuard STRICT = new WebhookGuard(false, List.of(), WebhookGuardTest::resolve);

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/hook", "http://127.1.2.3:8080/", "http://localhost/x", "http://[::1]/x",
            "http://0.0.0.0/", "http://[::]/", "http://10.1.2.3/", "http://172.16.0.1/", "http://172.31.255.255/",
            "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/", "http://[fc00::1]/",
            "http://[fd00:1::2]/", "http://224.0.0.1/", "http://[ff02::1]/", "http://255.255.255.255/",
            "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/", "http://2130706433/",
            "https://sneaky.example/hook", "https://metadata.example/", "https://v6local.example/",
            "http://[64:ff9b::a00:1]/"})
    void shouldRefuseInternalAddresses(String url) {
        assertTrue(STRICT.refusal(url).isPresent(), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://public.example/hook", "http://93.184.216.34/", "http://172.32.0.1/",
            "http://[2001:db8::1]/", "https://unresolvable.example/"})
    void shouldAcceptPublicAddresses(String url) {
        assertFalse(STRICT.refusal(url).isPresent(), url);
    }

    @Test
    void shouldAllowWhatTheConfigurationAllows() {
        assertFalse(new WebhookGuard(true, List.of(), WebhookGuardTest::resolve).refusal("http://127.0.0.1/").isPresent());
        WebhookGuard listed = new WebhookGuard(false, List.of("sneaky.example", "192.168.0.0/16", "::1"),
                WebhookGuardTest::resolve);
        assertFalse(listed.refusal("https://sneaky.example/hook").isPresent());
        assertFalse(listed.refusal("http://192.168.7.8/").isPresent());
        assertFalse(listed.refusal("http://[::1]:9000/").isPresent());
        assertTrue(listed.refusal("http://192.169.0.1/").isEmpty());
        assertTrue(listed.refusal("http://10.0.0.1/").isPresent());
        assertTrue(listed.refusal("http://127.0.0.1/").isPresent());
    }
}
