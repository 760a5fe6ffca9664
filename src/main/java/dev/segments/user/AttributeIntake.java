package dev.segments.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.compute.MembershipEvaluator;
import dev.segments.config.SegmentsConfig;
import dev.segments.db.Locks;
import dev.segments.membership.MembershipChange;
import dev.segments.membership.MembershipStore;
import dev.segments.segment.Catalog;
import dev.segments.segment.CatalogCache;
import dev.segments.segment.CatalogSegment;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
 * The users' dirty flags, taken first, get copies of their attributes (V16) and of their segment sets
 * (V17), written with the snapshots, so the dirty-user pass that re-checks them reads nothing else; the
 * catalog's counts of the batch are computed here too (V21). Changes come named
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
    private final IntakeQueue queue;

    public AttributeIntake(Pool pool, CatalogCache catalogs, SnapshotStore snapshots, MembershipStore memberships,
            UserKeys keys, AppliedEvents applied, SegmentsConfig config, MeterRegistry meters) {
        this.pool = pool;
        this.catalogs = catalogs;
        this.snapshots = snapshots;
        this.memberships = memberships;
        this.keys = keys;
        this.applied = applied;
        DistributionSummary groups = DistributionSummary.builder("segments.intake.group.requests")
                .description("Requests applied together in one intake transaction").register(meters);
        this.queue = new IntakeQueue(config.intake().groupEvents(), config.intake().concurrentGroups(), this::applyGroup,
                groups::record);
        Gauge.builder("segments.intake.waiting", queue, IntakeQueue::waiting)
                .description("Intake requests waiting for a transaction on this instance").register(meters);
    }

    /**
     * Applies the changes in one transaction and answers once it committed. User ids are mapped to internal
     * ids first (outside the transaction; numeric ids need no database round); changes whose idempotency key
     * was applied before are skipped. Requests that arrive while the instance's transactions are busy share
     * one ({@link IntakeQueue}); each answer is still that of its own request alone.
     */
    public Uni<IntakeResult> apply(List<AttributeChange> changes) {
        return queue.submit(changes);
    }

    /** Applies several requests (no user in two of them) in one transaction; answers each one's result, in order. */
    private Uni<List<IntakeResult>> applyGroup(List<List<AttributeChange>> requests) {
        Set<String> externalIds = new HashSet<>();
        requests.forEach(changes -> changes.forEach(change -> externalIds.add(change.userId())));
        return keys.resolve(pool, externalIds).chain(ids -> {
            List<Keyed> keyed = new ArrayList<>();
            Map<Long, String> external = new HashMap<>();
            for (int request = 0; request < requests.size(); request++) {
                for (AttributeChange change : requests.get(request)) {
                    long user = ids.get(change.userId());
                    keyed.add(new Keyed(user, change, request));
                    external.put(user, change.userId());
                }
            }
            return pool.withTransaction(conn -> apply(conn, keyed, external))
                    .map(outcome -> outcome.split(requests));
        });
    }

    private Uni<Outcome> apply(SqlConnection conn, List<Keyed> changes, Map<Long, String> external) {
        Long[] marked = new TreeSet<>(external.keySet()).toArray(Long[]::new);
        // pipelined: sent together, run by the server in this order (catalog lock, catalog version, flags,
        // idempotency keys), one round trip instead of four
        return Uni.combine().all().unis(Locks.catalogShared(conn), catalogs.current(conn),
                        snapshots.markDirty(conn, marked), skipApplied(conn, changes)).asTuple()
                .chain(started -> {
                    Catalog catalog = started.getItem2();
                    List<Keyed> fresh = started.getItem4();
                    Long[] users = fresh.stream().map(Keyed::user).distinct().sorted().toArray(Long[]::new);
                    if (users.length == 0) {
                        return Uni.createFrom().item(new Outcome(changes, fresh, external, List.of(), Map.of(), Map.of()));
                    }
                    return snapshots.lockOrCreate(conn, users)
                            .map(locked -> merge(catalog, locked.snapshots(), locked.created(), fresh))
                            .chain(batch -> evaluateAndWrite(conn, batch, users)
                                    .map(written -> new Outcome(changes, fresh, external, written.changes(),
                                            batch.snapshots, written.segments())));
                });
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

    private Uni<Written> evaluateAndWrite(SqlConnection conn, Batch batch, Long[] users) {
        Set<Long> segmentIds = new HashSet<>();
        batch.toEvaluate.values().forEach(list -> list.forEach(s -> segmentIds.add(s.id())));
        // pipelined: the segments' locks, then (in the same round trip) the users' open segments under them
        return Uni.combine().all().unis(Locks.segmentsShared(conn, segmentIds), memberships.openSegmentsWithEpoch(conn, users))
                .asTuple().map(locked -> locked.getItem2())
                .chain(read -> {
                    Map<Long, Set<Long>> open = read.sets();
                    Instant now = Instant.now();
                    List<MembershipChange> written = new ArrayList<>();
                    Map<Long, Set<Long>> segments = new HashMap<>();
                    for (Long user : users) {
                        Set<Long> current = new HashSet<>(open.getOrDefault(user, Set.of()));
                        ObjectNode attrs = batch.snapshots.get(user).attributes();
                        String eventId = batch.eventIds.get(user);
                        MembershipEvaluator.evaluate(attrs, batch.toEvaluate.get(user), current, now).forEach(t ->
                                written.add(MembershipChange.byEvent(user, t.segmentId(), t.join(), eventId)));
                        segments.put(user, new TreeSet<>(current));
                    }
                    // pipelined: the snapshots with their bookkeeping, then the memberships
                    return Uni.combine().all().unis(snapshots.save(conn, batch.snapshots.values(), batch.deltas, read.epoch(), segments),
                                    memberships.write(conn, written)).discardItems()
                            .replaceWith(new Written(written, segments));
                });
    }

    private static Batch merge(Catalog catalog, Map<Long, Snapshot> locked, Set<Long> created, List<Keyed> changes) {
        Map<Long, Set<String>> changed = new LinkedHashMap<>();
        Map<Long, String> eventIds = new HashMap<>();
        // each user's attributes before the batch, for the catalog deltas: a shallow copy is enough, since
        // merging replaces or removes an attribute's value, never changes it in place
        Map<Long, ObjectNode> before = new HashMap<>();
        for (Keyed keyed : changes) {
            Snapshot snapshot = locked.get(keyed.user());
            before.computeIfAbsent(keyed.user(), user -> snapshot.attributes().objectNode().setAll(snapshot.attributes()));
            changed.computeIfAbsent(keyed.user(), k -> new HashSet<>()).addAll(SnapshotMerge.apply(snapshot, keyed.change()));
            eventIds.put(keyed.user(), keyed.change().eventId());
        }
        Map<Long, List<CatalogSegment>> toEvaluate = new HashMap<>();
        CatalogDeltas deltas = new CatalogDeltas();
        changed.forEach((user, attributes) -> {
            toEvaluate.put(user, MembershipEvaluator.segmentsFor(catalog, created.contains(user), attributes));
            deltas.count(before.get(user), locked.get(user).attributes(), attributes);
        });
        return new Batch(locked, toEvaluate, eventIds, deltas);
    }

    /** A change with its user's internal id and the index of the request it came in. */
    private record Keyed(long user, AttributeChange change, int request) {
    }

    private record Written(List<MembershipChange> changes, Map<Long, Set<Long>> segments) {
    }

    /** What a group's transaction did, to be told to each of its requests. */
    private record Outcome(List<Keyed> changes, List<Keyed> fresh, Map<Long, String> external,
            List<MembershipChange> written, Map<Long, Snapshot> snapshots, Map<Long, Set<Long>> segments) {

        /** Each request's result: its changes, its duplicates, and the joins, leaves and final state of its users. */
        List<IntakeResult> split(List<List<AttributeChange>> requests) {
            int[] duplicates = new int[requests.size()];
            changes.forEach(c -> duplicates[c.request()]++);
            fresh.forEach(c -> duplicates[c.request()]--);
            Map<Long, Integer> requestOf = new HashMap<>();
            changes.forEach(c -> requestOf.put(c.user(), c.request()));
            int[] joined = new int[requests.size()];
            int[] left = new int[requests.size()];
            for (MembershipChange change : written) {
                int request = requestOf.get(change.userId());
                if (change.join()) {
                    joined[request]++;
                } else {
                    left[request]++;
                }
            }
            List<Map<String, ObjectNode>> attributes = new ArrayList<>();
            List<Map<String, Set<Long>>> segmentsOut = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                attributes.add(new HashMap<>());
                segmentsOut.add(new HashMap<>());
            }
            segments.forEach((user, sorted) -> {
                int request = requestOf.get(user);
                attributes.get(request).put(external.get(user), snapshots.get(user).attributes());
                segmentsOut.get(request).put(external.get(user), sorted);
            });
            List<IntakeResult> results = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                results.add(new IntakeResult(requests.get(i).size(), duplicates[i], joined[i], left[i],
                        attributes.get(i), segmentsOut.get(i)));
            }
            return results;
        }
    }

    private record Batch(Map<Long, Snapshot> snapshots, Map<Long, List<CatalogSegment>> toEvaluate,
            Map<Long, String> eventIds, CatalogDeltas deltas) {
    }
}
