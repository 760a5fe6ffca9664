package dev.segments.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.compute.ComputeRunner;
import dev.segments.compute.FullSweep;
import dev.segments.compute.JobStore;
import dev.segments.compute.Trigger;
import dev.segments.db.Locks;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleException;
import dev.segments.rule.RuleParser;
import dev.segments.rule.SegmentRef;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Saves and deletes segments. Each save runs under the catalog's exclusive lock: the name is checked,
 * references must exist and must not make a cycle, the attribute index and dependency edges are
 * rewritten, the catalog version moves on, and the full computes are queued, all in one transaction.
 * The computes start once it has committed.
 */
@ApplicationScoped
public class SegmentService {

    private final Pool pool;
    private final SegmentStore store;
    private final JobStore jobs;
    private final ComputeRunner runner;
    private final CatalogCache catalogs;
    private final ObjectMapper json;
    private final FullSweep sweep;

    public SegmentService(Pool pool, SegmentStore store, JobStore jobs, ComputeRunner runner, CatalogCache catalogs,
            ObjectMapper json, FullSweep sweep) {
        this.json = json;
        this.sweep = sweep;
        this.pool = pool;
        this.store = store;
        this.jobs = jobs;
        this.runner = runner;
        this.catalogs = catalogs;
    }

    public Uni<SegmentView> create(SegmentRequest request) {
        return pool.withTransaction(conn -> Locks.catalogExclusive(conn)
                        .chain(() -> checkName(conn, request.name(), 0))
                        .chain(() -> checkReferences(conn, 0, request.rule()))
                        .chain(() -> store.insert(conn, request.name(), request.description(), request.rule()))
                        .chain(id -> store.index(conn, id, request.rule())
                                .chain(() -> store.bumpCatalogVersion(conn))
                                .chain(() -> jobs.queueFull(conn, id, Trigger.RULE_CHANGE))
                                .map(jobId -> new Saved(id, List.of(jobId)))))
                .chain(saved -> started(saved));
    }

    public Uni<SegmentView> update(long id, SegmentRequest request) {
        return pool.withTransaction(conn -> Locks.catalogExclusive(conn)
                        .chain(() -> store.lock(conn, id))
                        .chain(found -> found ? store.rules(conn, id) : Uni.createFrom().failure(notFound(id)))
                        .chain(oldRules -> checkName(conn, request.name(), id)
                                .chain(() -> checkReferences(conn, id, request.rule()))
                                .chain(() -> store.update(conn, id, request.name(), request.description(), request.rule()))
                                .chain(() -> sameRule(oldRules.orElseThrow(), request.rule())
                                        ? Uni.createFrom().item(new Saved(id, List.of()))
                                        : ruleChanged(conn, id, request.rule()))))
                .chain(saved -> started(saved));
    }

    public Uni<Void> delete(long id) {
        return pool.withTransaction(conn -> Locks.catalogExclusive(conn)
                .chain(() -> store.lock(conn, id))
                .chain(found -> found ? store.dependents(conn, id) : Uni.createFrom().failure(notFound(id)))
                .chain(dependents -> dependents.isEmpty()
                        ? store.delete(conn, id).chain(() -> store.bumpCatalogVersion(conn))
                        : Uni.createFrom().failure(ProblemException.conflict(null,
                                "segment " + id + " is referenced by segments " + dependents + "; change or delete them first"))));
    }

    /** Queues a full compute of a segment and of everything that depends on it, in dependency order. */
    public Uni<List<Long>> compute(long id, Trigger trigger) {
        return pool.withTransaction(conn -> store.lock(conn, id)
                        .chain(found -> found ? catalogs.current(conn) : Uni.createFrom().failure(notFound(id)))
                        .chain(catalog -> queue(conn, catalog.inDependencyOrder(catalog.withDependents(Set.of(id))), trigger)))
                .invoke(runner::runInBackground);
    }

    /** Queues a full compute of every segment, in dependency order, done with one read of the snapshots. */
    public Uni<List<Long>> computeAll(Trigger trigger) {
        return pool.withTransaction(conn -> catalogs.current(conn)
                        .chain(catalog -> queue(conn, catalog.inDependencyOrder(), trigger)))
                .invoke(sweep::runInBackground);
    }

    private Uni<List<Long>> queue(SqlConnection conn, List<CatalogSegment> segments, Trigger trigger) {
        if (segments.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(segments)
                .onItem().transformToUniAndConcatenate(s -> jobs.queueFull(conn, s.id(), trigger))
                .collect().asList();
    }

    private Uni<Saved> ruleChanged(SqlConnection conn, long id, Rule rule) {
        return store.index(conn, id, rule)
                .chain(() -> store.bumpCatalogVersion(conn))
                .chain(() -> catalogs.current(conn))
                .chain(catalog -> queue(conn, catalog.inDependencyOrder(catalog.withDependents(Set.of(id))), Trigger.RULE_CHANGE))
                .map(jobIds -> new Saved(id, jobIds));
    }

    private Uni<SegmentView> started(Saved saved) {
        runner.runInBackground(saved.jobIds);
        return pool.withConnection(conn -> store.find(conn, saved.id))
                .map(view -> view.orElseThrow(() -> notFound(saved.id)))
                .map(view -> saved.jobIds.isEmpty() ? view
                        : view.withJobs(saved.jobIds.get(0), saved.jobIds.subList(1, saved.jobIds.size())));
    }

    private Uni<Void> checkName(SqlConnection conn, String name, long exceptId) {
        return store.nameTaken(conn, name, exceptId).chain(taken -> taken
                ? Uni.createFrom().failure(ProblemException.conflict("/name", "a segment named \"" + name + "\" already exists"))
                : Uni.createFrom().voidItem());
    }

    /**
     * Fails with 400 naming each reference to a missing segment, to {@code selfId} itself, or that
     * would make a cycle ({@code selfId} 0: a rule not saved yet). Used by saves, estimates and previews.
     */
    public Uni<Void> checkReferences(SqlConnection conn, long selfId, Rule rule) {
        List<SegmentRef> refs = rule.references();
        if (refs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<Long> ids = refs.stream().map(SegmentRef::segmentId).collect(Collectors.toSet());
        return store.existing(conn, ids).chain(existing -> store.dependencyGraph(conn).map(graph -> {
            List<FieldError> errors = new ArrayList<>();
            for (SegmentRef ref : refs) {
                if (ref.segmentId() == selfId) {
                    errors.add(new FieldError(ref.pointer(), "a segment cannot reference itself"));
                } else if (!existing.contains(ref.segmentId())) {
                    errors.add(new FieldError(ref.pointer(), "segment " + ref.segmentId() + " does not exist"));
                } else if (selfId != 0 && DependencyGraph.reaches(graph, ref.segmentId(), selfId)) {
                    errors.add(new FieldError(ref.pointer(),
                            "segment " + ref.segmentId() + " depends on this segment, so referencing it makes a cycle"));
                }
            }
            if (!errors.isEmpty()) {
                throw ProblemException.badRequest(errors);
            }
            return null;
        })).replaceWithVoid();
    }

    private boolean sameRule(String oldRules, Rule rule) {
        try {
            return RuleParser.parse(json.readTree(oldRules), "/rules").canonical().equals(rule.canonical());
        } catch (JsonProcessingException | RuleException e) {
            return false;
        }
    }

    private static ProblemException notFound(long id) {
        return ProblemException.notFound("segment " + id);
    }

    private record Saved(long id, List<Long> jobIds) {
    }
}
