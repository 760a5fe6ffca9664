package dev.segments.attribute.rest;

import dev.segments.api.Params;
import dev.segments.attribute.AttributeCatalog;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The attribute catalog: what attributes users have, and their frequent values for autocomplete. */
@Path("/api/v1/attributes")
@Produces(MediaType.APPLICATION_JSON)
public class AttributeResource {

    private static final int MAX_TEXT = 256;

    private final AttributeCatalog catalog;

    public AttributeResource(AttributeCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Operation(summary = "List the attributes seen in snapshots",
            description = "By name (code point order), ?limit= (1..1000, default 100) &after= (a name); each with the "
                    + "users holding it, their share of all users, and the count per JSON type.")
    public Uni<AttributeCatalog.Page> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        return catalog.page(text(after, "after"), Params.limit(limit, 100, 1000));
    }

    @GET
    @Path("/{name}/values")
    @Operation(summary = "The most frequent values of one attribute",
            description = "?prefix= (case-insensitive) &limit= (1..100, default 20). Scalar values and array elements, "
                    + "counted in a Bernoulli sample of about segments.estimate.value-sample-users users and scaled to all "
                    + "users (exact when the sample is everyone). 404 when no snapshot holds the attribute.")
    public Uni<AttributeCatalog.Values> values(@PathParam("name") String name, @QueryParam("prefix") String prefix,
            @QueryParam("limit") String limit) {
        int size = Params.limit(limit, 20, 100);
        if (name.isEmpty()) {
            throw ProblemException.badRequest("/name", "name must not be empty");
        }
        return catalog.values(text(name, "name"), text(prefix, "prefix"), size);
    }

    private static String text(String raw, String name) {
        if (raw == null) {
            return "";
        }
        if (raw.codePointCount(0, raw.length()) > MAX_TEXT || raw.indexOf('\0') >= 0) {
            throw ProblemException.badRequest("/" + name, name + " must have at most " + MAX_TEXT
                    + " characters and no U+0000");
        }
        return raw;
    }
}
