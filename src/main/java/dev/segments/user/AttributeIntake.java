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
import java.util.Comparator;
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
 * segment sets (V17), so the dirty-user pass that re-checks them reads nothing else. Changes come named
 * by the customers' user ids ({@link UserIds}); everything past {@link #apply} works on internal ids.
 */
@ApplicationScoped
public class AttributeIntake {

    private static final Comparator<AppliedEvents.Key> KEY_ORDER =
            Comparator.comparingLong(AppliedEvents.Key::userId).thenComparing(AppliedEvents.Key::eventId);

    private final Pool pool;
    private final CatalogCache catalogs;
    private final SnapshotStore snapshots;
    private final MembershipStore memberships;
    private final UserKeys keys;
    private final AppliedEvents applied;

    public AttributeIntake(Pool pool, CatalogCache catalogs, SnapshotStore snapshots, MembershipStore memberships,
            UserKeys keys, AppliedEvents applied) {
        this.pool = pool;
        this.catalogs = catalogs;
        this.snapshots = snapshots;
        this.memberships = memberships;
        this.keys = keys;
        this.applied = applied;
    }

    /**
     * Applies the changes in one transaction and answers once it committed. User ids are mapped to internal
     * ids first (outside the transaction; numeric ids need no database round); changes whose idempotency key
     * was applied before are skipped.
     */
    public Uni<IntakeResult> apply(List<AttributeChange> changes) {
        Set<String> externalIds = new HashSet<>();
        changes.forEach(change -> externalIds.add(change.userId()));
        return keys.resolve(pool, externalIds).chain(ids -> {
            List<Keyed> keyed = new ArrayList<>(changes.size());
            Map<Long, String> external = new HashMap<>();
            for (AttributeChange change : changes) {
                long user = ids.get(change.userId());
                keyed.add(new Keyed(user, change));
                external.put(user, change.userId());
            }
            return pool.withTransaction(conn -> apply(conn, keyed, external));
        });
    }

    private Uni<IntakeResult> apply(SqlConnection conn, List<Keyed> changes, Map<Long, String> external) {
        Long[] marked = new TreeSet<>(external.keySet()).toArray(Long[]::new);
        return Locks.catalogShared(conn)
                .chain(() -> catalogs.current(conn))
                .chain(catalog -> snapshots.markDirty(conn, marked)
                        .chain(() -> skipApplied(conn, changes))
                        .chain(fresh -> {
                            Long[] users = fresh.stream().map(Keyed::user).distinct().sorted().toArray(Long[]::new);
                            int duplicates = changes.size() - fresh.size();
                            if (users.length == 0) {
                                return Uni.createFrom().item(
                                        new IntakeResult(changes.size(), duplicates, 0, 0, Map.of(), Map.of()));
                            }
                            return snapshots.createMissing(conn, users)
                                    .chain(created -> snapshots.lock(conn, users)
                                            .map(locked -> merge(catalog, locked, created, fresh)))
                                    .chain(batch -> evaluateAndWrite(conn, batch, users, external,
                                            changes.size(), duplicates));
                        }));
    }

    /** The changes to apply: those without an idempotency key, and those whose key is new (first of a batch). */
    private Uni<List<Keyed>> skipApplied(SqlConnection conn, List<Keyed> changes) {
        TreeSet<AppliedEvents.Key> keys = new TreeSet<>(KEY_ORDER);
        changes.stream().filter(c -> c.change().idempotent())
                .forEach(c -> keys.add(new AppliedEvents.Key(c.user(), c.change().eventId())));
        if (keys.isEmpty()) {
            return Uni.createFrom().item(changes);
        }
        return applied.record(conn, List.copyOf(keys)).map(fresh -> {
            List<Keyed> kept = new ArrayList<>(changes.size());
            for (Keyed c : changes) {
                // remove: a key repeated inside the batch is applied at its first occurrence only
                if (!c.change().idempotent() || fresh.remove(new AppliedEvents.Key(c.user(), c.change().eventId()))) {
                    kept.add(c);
                }
            }
            return kept;
        });
    }

    private Uni<IntakeResult> evaluateAndWrite(SqlConnection conn, Batch batch, Long[] users, Map<Long, String> external,
            int processed, int duplicates) {
        Set<Long> segmentIds = new HashSet<>();
        batch.toEvaluate.values().forEach(list -> list.forEach(s -> segmentIds.add(s.id())));
        return Locks.segmentsShared(conn, segmentIds)
                .chain(() -> memberships.openSegmentsWithEpoch(conn, users))
                .chain(read -> {
                    Map<Long, Set<Long>> open = read.sets();
                    Instant now = Instant.now();
                    List<MembershipChange> written = new ArrayList<>();
                    Map<Long, Set<Long>> segments = new HashMap<>();
                    Map<String, Set<Long>> segmentsOut = new HashMap<>();
                    Map<String, ObjectNode> attributes = new HashMap<>();
                    for (Long user : users) {
                        Set<Long> current = new HashSet<>(open.getOrDefault(user, Set.of()));
                        ObjectNode attrs = batch.snapshots.get(user).attributes();
                        String eventId = batch.eventIds.get(user);
                        MembershipEvaluator.evaluate(attrs, batch.toEvaluate.get(user), current, now).forEach(t ->
                                written.add(MembershipChange.byEvent(user, t.segmentId(), t.join(), eventId)));
                        TreeSet<Long> sorted = new TreeSet<>(current);
                        segments.put(user, sorted);
                        segmentsOut.put(external.get(user), sorted);
                        attributes.put(external.get(user), attrs);
                    }
                    int joined = (int) written.stream().filter(MembershipChange::join).count();
                    IntakeResult result = new IntakeResult(processed, duplicates, joined, written.size() - joined,
                            attributes, segmentsOut);
                    return snapshots.save(conn, batch.snapshots.values())
                            .chain(() -> memberships.write(conn, written))
                            .chain(() -> snapshots.copySegmentSets(conn, read.epoch(), segments))
                            .replaceWith(result);
                });
    }

    private static Batch merge(Catalog catalog, Map<Long, Snapshot> locked, Set<Long> created, List<Keyed> changes) {
        Map<Long, Set<String>> changed = new LinkedHashMap<>();
        Map<Long, String> eventIds = new HashMap<>();
        for (Keyed keyed : changes) {
            Snapshot snapshot = locked.get(keyed.user());
            changed.computeIfAbsent(keyed.user(), k -> new HashSet<>()).addAll(SnapshotMerge.apply(snapshot, keyed.change()));
            eventIds.put(keyed.user(), keyed.change().eventId());
        }
        Map<Long, List<CatalogSegment>> toEvaluate = new HashMap<>();
        changed.forEach((user, attributes) -> toEvaluate.put(user,
                MembershipEvaluator.segmentsFor(catalog, created.contains(user), attributes)));
        return new Batch(locked, toEvaluate, eventIds);
    }

    /** A change with its user's internal id. */
    private record Keyed(long user, AttributeChange change) {
    }

    private record Batch(Map<Long, Snapshot> snapshots, Map<Long, List<CatalogSegment>> toEvaluate,
            Map<Long, String> eventIds) {
    }
}
