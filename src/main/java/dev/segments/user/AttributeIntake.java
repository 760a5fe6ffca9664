package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.compute.MembershipEvaluator;
import dev.segments.db.Locks;
import dev.segments.membership.MembershipChange;
import dev.segments.membership.MembershipStore;
import dev.segments.segment.Catalog;
import dev.segments.segment.CatalogCache;
import dev.segments.segment.CatalogSegment;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one entry point for attribute changes (HTTP calls today; a message-broker consumer can call it
 * too). A batch is applied in one transaction: the users' snapshots are locked, merged change by
 * change, evaluated in memory against the segments that use the changed attributes (every segment
 * for a user seen for the first time), and the joins and leaves are written before it commits.
 * The users' dirty flags, taken first, get copies of their attributes (by trigger, V16) and of their
 * segment sets (V17), so the dirty-user pass that re-checks them reads nothing else.
 */
@ApplicationScoped
public class AttributeIntake {

    private final Pool pool;
    private final CatalogCache catalogs;
    private final SnapshotStore snapshots;
    private final MembershipStore memberships;

    public AttributeIntake(Pool pool, CatalogCache catalogs, SnapshotStore snapshots, MembershipStore memberships) {
        this.pool = pool;
        this.catalogs = catalogs;
        this.snapshots = snapshots;
        this.memberships = memberships;
    }

    public Uni<IntakeResult> apply(List<AttributeChange> changes) {
        Long[] users = new TreeSet<>(changes.stream().map(AttributeChange::userId).toList()).toArray(Long[]::new);
        return pool.withTransaction(conn -> Locks.catalogShared(conn)
                .chain(() -> catalogs.current(conn))
                .chain(catalog -> snapshots.markDirty(conn, users)
                        .chain(() -> snapshots.createMissing(conn, users))
                        .chain(created -> snapshots.lock(conn, users)
                                .map(locked -> merge(catalog, locked, created, changes)))
                        .chain(batch -> evaluateAndWrite(conn, batch, users, changes.size()))));
    }

    private Uni<IntakeResult> evaluateAndWrite(SqlConnection conn, Batch batch, Long[] users, int processed) {
        Set<Long> segmentIds = new HashSet<>();
        batch.toEvaluate.values().forEach(list -> list.forEach(s -> segmentIds.add(s.id())));
        return Locks.segmentsShared(conn, segmentIds)
                .chain(() -> memberships.openSegmentsWithEpoch(conn, users))
                .chain(read -> {
                    Map<Long, Set<Long>> open = read.sets();
                    Instant now = Instant.now();
                    List<MembershipChange> written = new ArrayList<>();
                    Map<Long, Set<Long>> segments = new HashMap<>();
                    Map<Long, ObjectNode> attributes = new HashMap<>();
                    for (Long user : users) {
                        Set<Long> current = new HashSet<>(open.getOrDefault(user, Set.of()));
                        ObjectNode attrs = batch.snapshots.get(user).attributes();
                        String eventId = batch.eventIds.get(user);
                        MembershipEvaluator.evaluate(attrs, batch.toEvaluate.get(user), current, now).forEach(t ->
                                written.add(MembershipChange.byEvent(user, t.segmentId(), t.join(), eventId)));
                        segments.put(user, new TreeSet<>(current));
                        attributes.put(user, attrs);
                    }
                    int joined = (int) written.stream().filter(MembershipChange::join).count();
                    IntakeResult result = new IntakeResult(processed, joined, written.size() - joined, attributes, segments);
                    return snapshots.save(conn, batch.snapshots.values())
                            .chain(() -> memberships.write(conn, written))
                            .chain(() -> snapshots.copySegmentSets(conn, read.epoch(), segments))
                            .replaceWith(result);
                });
    }

    private static Batch merge(Catalog catalog, Map<Long, Snapshot> locked, Set<Long> created,
            List<AttributeChange> changes) {
        Map<Long, Set<String>> changed = new LinkedHashMap<>();
        Map<Long, String> eventIds = new HashMap<>();
        for (AttributeChange change : changes) {
            Snapshot snapshot = locked.get(change.userId());
            changed.computeIfAbsent(change.userId(), k -> new HashSet<>()).addAll(SnapshotMerge.apply(snapshot, change));
            eventIds.put(change.userId(), change.eventId());
        }
        Map<Long, List<CatalogSegment>> toEvaluate = new HashMap<>();
        changed.forEach((user, attributes) -> toEvaluate.put(user,
                MembershipEvaluator.segmentsFor(catalog, created.contains(user), attributes)));
        return new Batch(locked, toEvaluate, eventIds);
    }

    private record Batch(Map<Long, Snapshot> snapshots, Map<Long, List<CatalogSegment>> toEvaluate,
            Map<Long, String> eventIds) {
    }
}
