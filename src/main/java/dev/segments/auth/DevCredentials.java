package dev.segments.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/**
 * The admin's generated password in dev mode ({@code ./mvnw quarkus:dev} without
 * {@code SEGMENTS_AUTH_ADMIN_PASSWORD}), shown on the login page. Empty in every other mode.
 */
@Named("devCredentials")
@ApplicationScoped
public class DevCredentials {

    private volatile String username = "";
    private volatile String password = "";

    void show(String username, String password) {
        this.username = username;
        this.password = password;
    }

    public boolean isShown() {
        return !password.isEmpty();
    }

    public String getUsername() {
        return username;
    }

    public String getPassword() {
        return password;
    }
}
