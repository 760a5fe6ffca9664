package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.db.Locks;
import dev.segments.membership.MembershipChange;
import dev.segments.membership.MembershipStore;
import dev.segments.membership.MembershipStore.UserSegment;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Reads a user and deletes one (closing every open membership, with its leave in the history). */
@ApplicationScoped
public class UserService {

    private final Pool pool;
    private final SnapshotStore snapshots;
    private final MembershipStore memberships;

    public UserService(Pool pool, SnapshotStore snapshots, MembershipStore memberships) {
        this.pool = pool;
        this.snapshots = snapshots;
        this.memberships = memberships;
    }

    /** A user's attributes and current segments. */
    public record UserView(long userId, ObjectNode attributes, Instant updatedAt, List<UserSegment> segments) {
    }

    public Uni<UserView> get(long userId) {
        return pool.withConnection(conn -> conn.preparedQuery(
                        "SELECT attributes::text, updated_at FROM user_attribute_snapshot WHERE user_id = $1")
                .execute(Tuple.of(userId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ProblemException.notFound("user " + userId));
                    }
                    var row = rows.iterator().next();
                    return memberships.segmentsOf(conn, userId).map(segments -> new UserView(userId,
                            snapshots.object(row.getString(0)), row.getOffsetDateTime(1).toInstant(), segments));
                }));
    }

    public Uni<Void> delete(long userId) {
        Long[] user = {userId};
        return pool.withTransaction(conn -> Locks.catalogShared(conn)
                .chain(() -> snapshots.unflag(conn, userId))
                .chain(() -> snapshots.lock(conn, user))
                .chain(locked -> locked.isEmpty()
                        ? Uni.createFrom().failure(ProblemException.notFound("user " + userId))
                        : memberships.openSegments(conn, user))
                .chain(open -> {
                    Set<Long> segments = open.getOrDefault(userId, Set.of());
                    List<MembershipChange> leaves = segments.stream()
                            .map(segment -> MembershipChange.byEvent(userId, segment, false, "user_deleted")).toList();
                    return Locks.segmentsShared(conn, segments)
                            .chain(() -> memberships.write(conn, leaves))
                            .chain(() -> snapshots.delete(conn, userId));
                })
                .replaceWithVoid());
    }
}
