package dev.segments.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An API token as listed: never its secret. {@code token} is set only in the answer that created it,
 * the one time the secret is shown.
 */
public record ApiToken(long id, String name, String role, Long accountId, Instant createdAt, Instant lastUsedAt,
        Instant revokedAt, @JsonInclude(JsonInclude.Include.NON_NULL) String token) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public ApiToken withSecret(String secret) {
        return new ApiToken(id, name, role, accountId, createdAt, lastUsedAt, revokedAt, secret);
    }
}
