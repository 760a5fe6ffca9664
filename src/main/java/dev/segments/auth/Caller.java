package dev.segments.auth;

/**
 * Who a request comes from, as found by its credential. {@code key} names the credential
 * ({@code token:12}, {@code session:<hash prefix>}) for the rate limiter; {@code accountId} is null for
 * a token no account owns.
 */
public record Caller(String name, Role role, Long accountId, String key, byte[] sessionHash) {

    /** Attribute of the security identity holding the caller. */
    public static final String ATTRIBUTE = "segments.caller";
}
