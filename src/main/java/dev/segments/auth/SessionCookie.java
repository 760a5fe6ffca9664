package dev.segments.auth;

import dev.segments.config.SegmentsConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import jakarta.enterprise.context.ApplicationScoped;

/** The session cookie: HttpOnly, SameSite=Lax, Secure unless {@code segments.auth.secure-cookie=false}. */
@ApplicationScoped
public class SessionCookie {

    public static final String NAME = "segments_session";

    private final SegmentsConfig config;

    public SessionCookie(SegmentsConfig config) {
        this.config = config;
    }

    /** A Set-Cookie value holding {@code value}; it lives as long as the session may. */
    public String of(String value) {
        return base(value).setMaxAge(config.auth().sessionMax().toSeconds()).encode();
    }

    /** A Set-Cookie value that removes the cookie. */
    public String expired() {
        return base("").setMaxAge(0).encode();
    }

    private Cookie base(String value) {
        return Cookie.cookie(NAME, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
                .setSecure(config.auth().secureCookie());
    }
}
