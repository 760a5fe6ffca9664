package dev.segments.membership.rest;

import dev.segments.api.Params;
import dev.segments.membership.Member;
import dev.segments.membership.MembershipStore;
import dev.segments.problem.ProblemException;
import dev.segments.segment.SegmentStore;
import dev.segments.user.UserIdText;
import dev.segments.user.UserIds;
import dev.segments.user.UserKeys;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A segment's current members: JSON pages, and CSV and NDJSON streams of constant memory. Members are
 * in internal-id order; every user id out, and the {@code after} cursor in, is the external id.
 */
@Path("/api/v1/segments")
public class MemberResource {

    private static final int STREAM_PAGE = 10_000;

    private final Pool pool;
    private final MembershipStore memberships;
    private final SegmentStore segments;
    private final UserKeys keys;

    public MemberResource(Pool pool, MembershipStore memberships, SegmentStore segments, UserKeys keys) {
        this.pool = pool;
        this.memberships = memberships;
        this.segments = segments;
        this.keys = keys;
    }

    @GET
    @Path("/{id}/members")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> members(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("after") String after) {
        long segmentId = Params.id(id, "id");
        int size = Params.limit(limit, 100, 10_000);
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId)
                .chain(() -> cursor(conn, after))
                .chain(cursor -> memberships.members(conn, segmentId, cursor, size)))
                .map(members -> {
                    Map<String, Object> body = new HashMap<>();
                    body.put("members", members);
                    body.put("next_after", members.size() == size ? members.get(members.size() - 1).userId() : null);
                    return body;
                });
    }

    /**
     * The internal id to page after: {@code after} is the external id of the last member of the previous
     * page (absent or {@code 0}: from the start); an id no user ever had is a 400 naming {@code /after}.
     */
    private Uni<Long> cursor(SqlClient db, String after) {
        if (after == null || after.isEmpty() || after.equals("0")) {
            return Uni.createFrom().item(0L);
        }
        try {
            UserIds.fromPath(after);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(ProblemException.badRequest("/after", "after must be a user id: " + e.getMessage()));
        }
        return keys.find(db, after).map(key -> {
            if (key == null) {
                throw ProblemException.badRequest("/after", "after must be the user id of a member of an earlier page");
            }
            return key;
        });
    }

    @GET
    @Path("/{id}/members.csv")
    @Produces("text/csv")
    public Multi<String> csv(@PathParam("id") String id) {
        return stream(Params.id(id, "id"), "user_id,added_at\n", MemberResource::toCsv);
    }

    /**
     * The members as NDJSON, one {@code {"user_id","added_at"}} object a line, read page by page like
     * the CSV (the framework writes each element of an {@code application/x-ndjson} stream as a line).
     */
    @GET
    @Path("/{id}/members.ndjson")
    @Produces("application/x-ndjson")
    public Multi<Member> ndjson(@PathParam("id") String id) {
        long segmentId = Params.id(id, "id");
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId))
                .onItem().transformToMulti(ignored -> pages(segmentId))
                .onItem().transformToIterable(page -> page);
    }

    /** Every member, page by page (one page in memory at a time), after a header. */
    private Multi<String> stream(long segmentId, String header, Function<List<Member>, String> format) {
        return pool.withConnection(conn -> segments.requireExists(conn, segmentId))
                .onItem().transformToMulti(ignored -> Multi.createBy().concatenating()
                        .streams(Multi.createFrom().item(header), pages(segmentId).map(format)));
    }

    private Multi<List<Member>> pages(long segmentId) {
        AtomicLong last = new AtomicLong(0);
        return Multi.createBy().repeating()
                .uni(() -> pool.withConnection(conn -> memberships.members(conn, segmentId, last.get(), STREAM_PAGE)))
                .whilst(page -> page.size() == STREAM_PAGE && remember(last, page))
                .filter(page -> !page.isEmpty());
    }

    private static boolean remember(AtomicLong last, List<Member> page) {
        last.set(page.get(page.size() - 1).key());
        return true;
    }

    private static String toCsv(List<Member> page) {
        StringBuilder csv = new StringBuilder(page.size() * 40);
        for (Member member : page) {
            csv.append(UserIdText.csv(member.userId())).append(',').append(member.addedAt()).append('\n');
        }
        return csv.toString();
    }

}
