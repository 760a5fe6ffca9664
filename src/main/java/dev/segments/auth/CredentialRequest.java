package dev.segments.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token or a session cookie's value, to be checked against the stored hashes. */
public final class CredentialRequest extends BaseAuthenticationRequest {

    public enum Kind { TOKEN, SESSION }

    private final Kind kind;
    private final String secret;

    public CredentialRequest(Kind kind, String secret) {
        this.kind = kind;
        this.secret = secret;
    }

    public Kind kind() {
        return kind;
    }

    public String secret() {
        return secret;
    }
}
