package dev.segments.auth;

import java.time.Duration;

/**
 * What a login attempt came to: a session (its secret, the cookie value), a refusal (wrong name or
 * password, or a disabled account: one answer for all), or a refusal without checking because the
 * name is locked for {@code lockedFor}.
 */
public record LoginOutcome(String session, Duration lockedFor) {

    static LoginOutcome opened(String session) {
        return new LoginOutcome(session, null);
    }

    static LoginOutcome refused() {
        return new LoginOutcome(null, null);
    }

    static LoginOutcome locked(Duration lockedFor) {
        return new LoginOutcome(null, lockedFor);
    }

    public boolean isOpened() {
        return session != null;
    }

    public boolean isLocked() {
        return lockedFor != null;
    }
}
