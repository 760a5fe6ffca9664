package dev.segments.web;

import dev.segments.user.UserIdText;
import io.quarkus.qute.TemplateExtension;

/**
 * User ids in links: {@code href="/users/{id.pathSegment}"}. Qute escapes HTML, not URLs, and a user id
 * may hold {@code / ? # %}, spaces, quotes and non-ASCII: each is percent-encoded (UTF-8, a space as
 * {@code %20}), so the link leads back to exactly that id.
 */
@TemplateExtension
public final class UserIdLinks {

    private UserIdLinks() {
    }

    /** The text as one percent-encoded URL path segment or query value. */
    public static String pathSegment(String text) {
        return UserIdText.url(text);
    }
}
