package dev.segments.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * The caller of the current request, for templates ({@code {inject:caller.name}},
 * {@code {#if inject:caller.canEdit}}) and resources.
 */
@Named("caller")
@RequestScoped
public class CurrentCaller {

    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public boolean isLoggedIn() {
        return !identity.isAnonymous();
    }

    public String getName() {
        return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    }

    public String getRole() {
        return Role.highest(identity.getRoles()).map(Role::id).orElse("");
    }

    public boolean isCanEdit() {
        return identity.hasRole(Role.EDITOR.id());
    }

    public boolean isAdmin() {
        return identity.hasRole(Role.ADMIN.id());
    }

    /** Whether this is a browser session (it can log out) rather than a bearer token. */
    public boolean isSession() {
        Caller caller = caller();
        return caller != null && caller.sessionHash() != null;
    }

    /** The caller as found by its credential; null when anonymous. */
    public Caller caller() {
        return identity.getAttribute(Caller.ATTRIBUTE);
    }

    /** The caller's account, null for anonymous and for tokens without owner. */
    public Long accountId() {
        Caller caller = caller();
        return caller == null ? null : caller.accountId();
    }
}
