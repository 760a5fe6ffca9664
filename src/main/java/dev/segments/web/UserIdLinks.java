package dev.segments.web;

import dev.segments.problem.ProblemException;
import dev.segments.user.UserIdText;
import dev.segments.user.UserIds;
import io.quarkus.qute.TemplateExtension;

/**
 * User ids on pages. In links: {@code href="/users/{id.pathSegment}"}; Qute escapes HTML, not URLs, and a
 * user id may hold {@code / ? # %}, spaces, quotes and non-ASCII: each is percent-encoded (UTF-8, a space
 * as {@code %20}), so the link leads back to exactly that id ({@link #userPage} for a whole link). From
 * forms: {@link #isUserId}.
 */
public final class UserIdLinks {

    private UserIdLinks() {
    }

    /** The text as one percent-encoded URL path segment or query value. */
    @TemplateExtension
    public static String pathSegment(String text) {
        return UserIdText.url(text);
    }

    /**
     * The link to a user's page: {@code /users/<id percent-encoded>}, or {@code /users?id=...} for the ids
     * {@code .} and {@code ..}, which no path can carry (dot segments are removed, encoded or not).
     */
    @TemplateExtension
    public static String userPage(String id) {
        return isDotSegment(id) ? "/users?id=" + UserIdText.url(id) : "/users/" + UserIdText.url(id);
    }

    /** Whether the id is {@code .} or {@code ..}, a dot segment in a path. */
    public static boolean isDotSegment(String id) {
        return id.equals(".") || id.equals("..");
    }

    /** Whether text typed into a form is a user id some user could have (pages answer "no such user" otherwise). */
    public static boolean isUserId(String text) {
        try {
            UserIds.fromPath(text);
            return true;
        } catch (ProblemException e) {
            return false;
        }
    }
}
