package dev.segments.auth;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call what: the one table of access rules for the API, the pages and the platform
 * endpoints. The first rule whose method set and path pattern match decides. Roles include the ones
 * below them (an admin is also an editor and a viewer).
 *
 * <p>Writes of user attributes, events and the NDJSON import are data intake by downstream systems and
 * need {@code editor}, like segments, estimates, previews, computes and exports; deleting a user, every
 * change of destinations, and tokens and accounts need {@code admin}. Health, the OpenAPI document, the
 * Swagger UI, static files and the login page are open; metrics need a viewer.
 */
public final class AccessRules {

    /** What a request needs: nothing, or at least a role. */
    public enum Access {
        PUBLIC(null), VIEWER(Role.VIEWER), EDITOR(Role.EDITOR), ADMIN(Role.ADMIN);

        private final Role role;

        Access(Role role) {
            this.role = role;
        }

        /** The least role allowed, null for public. */
        public Role role() {
            return role;
        }
    }

    private static final Set<String> ANY = Set.of();
    private static final Set<String> READ = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> WRITE = Set.of("POST", "PUT", "PATCH", "DELETE");

    private record Rule(Set<String> methods, Pattern path, Access access) {
        boolean matches(String method, String requestPath) {
            boolean methodMatches = methods.isEmpty() || methods.contains(method)
                    || (methods == WRITE && !READ.contains(method));
            return methodMatches && path.matcher(requestPath).matches();
        }
    }

    private static final List<Rule> RULES = List.of(
            rule(ANY, "/q/health(/.*)?", Access.PUBLIC),
            rule(READ, "/q/(openapi|swagger-ui)(/.*)?", Access.PUBLIC),
            rule(READ, "/(css|js|webjars)/.*|/favicon\\.ico", Access.PUBLIC),
            rule(ANY, "/login|/logout", Access.PUBLIC),

            rule(ANY, "/api/v1/(tokens|accounts)(/.*)?", Access.ADMIN),
            rule(ANY, "/admin(/.*)?", Access.ADMIN),
            rule(WRITE, "/api/v1/destinations(/.*)?|/destinations(/.*)?", Access.ADMIN),
            rule(Set.of("DELETE"), "/api/v1/users/[^/]+", Access.ADMIN),

            rule(READ, "/segments/new|/segments/[^/]+/edit", Access.EDITOR),
            rule(READ, "/.*", Access.VIEWER),
            rule(WRITE, "/.*", Access.EDITOR));

    private AccessRules() {
    }

    /** What a request with this method and (normalized) path needs; unknown methods count as writes. */
    public static Access required(String method, String path) {
        for (Rule rule : RULES) {
            if (rule.matches(method, path)) {
                return rule.access();
            }
        }
        return Access.ADMIN;
    }

    private static Rule rule(Set<String> methods, String path, Access access) {
        return new Rule(methods, Pattern.compile(path), access);
    }
}
