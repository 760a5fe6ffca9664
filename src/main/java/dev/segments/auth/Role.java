package dev.segments.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The three roles, each including the ones below it: a viewer reads everything, an editor also
 * changes segments, user data, estimates and exports, an admin also manages destinations, deletes
 * users and manages tokens and accounts. A security identity carries its role and every role it
 * includes, so a check for {@code viewer} passes an admin.
 */
public enum Role {
    VIEWER, EDITOR, ADMIN;

    /** The name used in the API, the database and security identities ({@code viewer}, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    /** This role and every role below it, as identity role names. */
    public Set<String> granted() {
        return switch (this) {
            case VIEWER -> Set.of("viewer");
            case EDITOR -> Set.of("viewer", "editor");
            case ADMIN -> Set.of("viewer", "editor", "admin");
        };
    }

    /** The lower of two roles (a token never has more rights than the account that owns it). */
    public Role min(Role other) {
        return includes(other) ? other : this;
    }

    public static Optional<Role> parse(String id) {
        if (id != null) {
            for (Role role : values()) {
                if (role.id().equals(id)) {
                    return Optional.of(role);
                }
            }
        }
        return Optional.empty();
    }

    /** The highest role an identity's role names grant, if any. */
    public static Optional<Role> highest(Set<String> roles) {
        for (int i = values().length - 1; i >= 0; i--) {
            if (roles.contains(values()[i].id())) {
                return Optional.of(values()[i]);
            }
        }
        return Optional.empty();
    }
}
