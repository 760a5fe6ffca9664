package dev.segments.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** htmx request and response headers, in one place (see https://htmx.org/reference/#headers). */
public final class Hx {

    /** Sent by htmx on every request it makes. */
    public static final String REQUEST = "HX-Request";
    /** Tells htmx to navigate to another page (a full page load). */
    public static final String REDIRECT = "HX-Redirect";
    /** Tells htmx to fire a client-side event after the swap. */
    public static final String TRIGGER = "HX-Trigger";
    /** Status that stops htmx polling. */
    public static final int STOP_POLLING = 286;

    private Hx() {
    }

    public static boolean isHtmx(HttpHeaders headers) {
        return "true".equals(headers.getHeaderString(REQUEST));
    }

    /** A redirect that works for both htmx requests (HX-Redirect) and plain form posts (303). */
    public static Response redirect(HttpHeaders headers, String location) {
        if (isHtmx(headers)) {
            return Response.ok().header(REDIRECT, location).build();
        }
        return Response.seeOther(java.net.URI.create(location)).build();
    }
}
