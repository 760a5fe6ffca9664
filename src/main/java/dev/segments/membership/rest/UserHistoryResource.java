package dev.segments.membership.rest;

import dev.segments.api.Params;
import dev.segments.membership.HistoryStore;
import dev.segments.problem.ProblemException;
import dev.segments.user.UserIds;
import dev.segments.user.UserKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** A user's membership history: why they are in (or out of) each segment, and since when. */
@Path("/api/v1/users/{id}/history")
@Produces(MediaType.APPLICATION_JSON)
public class UserHistoryResource {

    private final Pool pool;
    private final HistoryStore history;
    private final UserKeys keys;

    public UserHistoryResource(Pool pool, HistoryStore history, UserKeys keys) {
        this.pool = pool;
        this.history = history;
        this.keys = keys;
    }

    /**
     * A user's joins and leaves, by the user's external id (URL-encoded in the path). A deleted user's
     * history stays readable ({@code "exists": false}); a user with neither a snapshot nor any history is 404.
     */
    @GET
    public Uni<Map<String, Object>> userHistory(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("after") String after, @QueryParam("segment_id") String segmentId) {
        String userId = UserIds.fromPath(id);
        int size = Params.limit(limit, 100, 1000);
        long cursor = Params.after(after);
        Long segment = segmentId == null || segmentId.isBlank() ? null : Params.id(segmentId, "segment_id");
        return pool.withConnection(conn -> keys.find(conn, userId).chain(key -> key == null
                ? Uni.createFrom().failure(ProblemException.notFound("user " + userId))
                : history(conn, key, userId, segment, cursor, size)));
    }

    private Uni<Map<String, Object>> history(SqlClient conn, long key, String userId, Long segment, long cursor, int size) {
        return history.userKnown(conn, key).chain(known -> {
            if (!known[0] && !known[1]) {
                return Uni.createFrom().failure(ProblemException.notFound("user " + userId));
            }
            return history.userHistory(conn, key, segment, cursor == 0 ? Long.MAX_VALUE : cursor, size)
                    .map(page -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("user_id", userId);
                        body.put("exists", known[0]);
                        body.put("history", page.entries());
                        body.put("next_after", page.entries().size() == size ? page.entries().get(size - 1).id() : null);
                        return body;
                    });
        });
    }

}
