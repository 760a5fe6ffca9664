package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.db.Locks;
import dev.segments.membership.MembershipChange;
import dev.segments.membership.MembershipStore;
import dev.segments.membership.MembershipStore.UserSegment;
import dev.segments.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
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
    private final UserKeys keys;

    public UserService(Pool pool, SnapshotStore snapshots, MembershipStore memberships, UserKeys keys) {
        this.pool = pool;
        this.snapshots = snapshots;
        this.memberships = memberships;
        this.keys = keys;
    }

    /** A user's attributes and current segments; {@code userId} is the external id. */
    public record UserView(String userId, ObjectNode attributes, Instant updatedAt, List<UserSegment> segments) {
    }

    /** The user with this external id; 404 when there is none. */
    public Uni<UserView> get(String externalId) {
        return pool.withConnection(conn -> keys.find(conn, externalId).chain(key -> key == null
                ? Uni.createFrom().failure(ProblemException.notFound("user " + externalId))
                : get(conn, key, externalId)));
    }

    private Uni<UserView> get(SqlClient conn, long userId, String externalId) {
        return conn.preparedQuery(
                        "SELECT attributes::text, updated_at FROM user_attribute_snapshot WHERE user_id = $1")
                .execute(Tuple.of(userId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ProblemException.notFound("user " + externalId));
                    }
                    var row = rows.iterator().next();
                    return memberships.segmentsOf(conn, userId).map(segments -> new UserView(externalId,
                            snapshots.object(row.getString(0)), row.getOffsetDateTime(1).toInstant(), segments));
                });
    }

    /** Deletes the user with this external id; 404 when there is none (its {@code user_key} row stays). */
    public Uni<Void> delete(String externalId) {
        return pool.withConnection(conn -> keys.find(conn, externalId)).chain(key -> key == null
                ? Uni.createFrom().failure(ProblemException.notFound("user " + externalId))
                : delete(key, externalId));
    }

    private Uni<Void> delete(long userId, String externalId) {
        Long[] user = {userId};
        return pool.withTransaction(conn -> Locks.catalogShared(conn)
                .chain(() -> snapshots.unflag(conn, userId))
                .chain(() -> snapshots.lock(conn, user))
                .chain(locked -> locked.isEmpty()
                        ? Uni.createFrom().failure(ProblemException.notFound("user " + externalId))
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
