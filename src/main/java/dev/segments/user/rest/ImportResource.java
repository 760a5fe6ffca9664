package dev.segments.user.rest;

import dev.segments.user.UserImport;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.Map;

/** Initial loads: NDJSON lines {"user_id", "attributes"}, streamed. */
@Path("/api/v1/users/import")
public class ImportResource {

    private final UserImport importer;

    public ImportResource(UserImport importer) {
        this.importer = importer;
    }

    @POST
    @Blocking
    @Consumes("application/x-ndjson")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Long> importUsers(InputStream body) {
        return Map.of("imported", importer.importLines(body));
    }
}
