package dev.segments.auth.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The OpenAPI document's security: every operation takes an API token ({@code Authorization: Bearer
 * seg_…}, created by an admin) or the session cookie of a logged-in browser. Which role each operation
 * needs is in {@code AccessRules}. (An {@code Application} only so the OpenAPI scanner reads these
 * annotations; it adds no path and keeps every resource.)
 */
@OpenAPIDefinition(info = @Info(title = "Segments API", version = "1"),
        security = @SecurityRequirement(name = "token"))
@SecurityScheme(securitySchemeName = "token", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "seg_…",
        description = "An API token created by an admin (POST /api/v1/tokens or the Access page). Roles: viewer reads"
                + " everything; editor also writes segments, user data, estimates and exports; admin also manages"
                + " destinations, deletes users and manages tokens and accounts.")
public class ApiSecurity extends Application {
}
