package dev.segments.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * The CSRF token of the current browser, for templates ({@code {inject:csrf.token}}). Set by
 * {@link CsrfFilter}; the same value lives in an HttpOnly cookie (double-submit cookie).
 */
@Named("csrf")
@RequestScoped
public class Csrf {

    public static final String COOKIE = "segments_csrf";
    public static final String HEADER = "X-CSRF-Token";
    public static final String FIELD = "_csrf";

    private String token = "";

    public String getToken() {
        return token;
    }

    void setToken(String token) {
        this.token = token;
    }

    public String getHeader() {
        return HEADER;
    }

    public String getField() {
        return FIELD;
    }
}
