package dev.segments.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/** An account that logs in to the admin UI; the password hash never leaves the store. */
public record Account(long id, String username, String role, boolean disabled, boolean hasPassword,
        Instant createdAt, Instant updatedAt) {

    @JsonIgnore
    public Role roleValue() {
        return Role.parse(role).orElse(Role.VIEWER);
    }
}
