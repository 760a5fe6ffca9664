package dev.segments.web.segment;

import dev.segments.compute.JobStore;
import dev.segments.membership.Member;
import dev.segments.membership.MembershipStore;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleException;
import dev.segments.rule.RuleParser;
import dev.segments.rule.SegmentRef;
import dev.segments.segment.SegmentStore;
import dev.segments.user.UserKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Loads the read-only parts of the segment page (each on its own connection, so they load in parallel). */
@ApplicationScoped
public class SegmentParts {

    static final int JOBS = 10;
    static final int MEMBERS = 25;
    static final int CHART_POINTS = 1000;

    private final Pool pool;
    private final SegmentStore segments;
    private final SegmentQueries queries;
    private final JobStore jobs;
    private final MembershipStore memberships;
    private final UserKeys keys;

    public SegmentParts(Pool pool, SegmentStore segments, SegmentQueries queries, JobStore jobs,
            MembershipStore memberships, UserKeys keys) {
        this.pool = pool;
        this.segments = segments;
        this.queries = queries;
        this.jobs = jobs;
        this.memberships = memberships;
        this.keys = keys;
    }

    /** The header, or null when there is no such segment. */
    public Uni<Views.Header> header(long id) {
        return pool.withConnection(conn -> segments.find(conn, id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().nullItem();
            }
            Rule rule = parse(found.get().rules());
            List<Long> refs = rule.references().stream().map(SegmentRef::segmentId).distinct().toList();
            return queries.names(conn, refs).chain(names -> jobs.forSegment(conn, id, 1)
                    .map(latest -> new Views.Header(found.get(), latest.isEmpty() ? null : latest.get(0),
                            RuleSentence.of(rule.root(), names))));
        }));
    }

    public Uni<Views.Jobs> jobs(long id) {
        return pool.withConnection(conn -> jobs.forSegment(conn, id, JOBS)).map(list -> new Views.Jobs(id, list));
    }

    public Uni<Views.Chart> chart(long id, ChartRange range) {
        Instant now = Instant.now();
        Instant from = range.from(now);
        return pool.withConnection(conn -> queries.latestPoints(conn, id, from == null ? Instant.EPOCH : from, CHART_POINTS))
                .map(points -> new Views.Chart(id, range, DriftChart.of(points, from, now, 720, 220), points));
    }

    /** A page of members after the user id {@code after}, or, when {@code before} is set, the page before it. */
    public Uni<Views.Members> members(long id, long after, Long before) {
        if (before != null) {
            return pool.withConnection(conn -> queries.membersBefore(conn, id, before, MEMBERS + 1)).map(found -> {
                boolean more = found.size() > MEMBERS;
                List<Member> page = more ? found.subList(1, found.size()) : found;
                return new Views.Members(id, page, more ? page.get(0).key() : null, page.isEmpty() ? null
                        : page.get(page.size() - 1).key());
            });
        }
        return pool.withConnection(conn -> memberships.members(conn, id, after, MEMBERS + 1)).map(found -> {
            boolean more = found.size() > MEMBERS;
            List<Member> page = more ? found.subList(0, MEMBERS) : found;
            return new Views.Members(id, page, after > 0 && !page.isEmpty() ? page.get(0).key() : null,
                    more ? page.get(page.size() - 1).key() : null);
        });
    }

    /** The current membership of the user with this external id; null when no user ever had the id. */
    public Uni<Optional<Member>> membership(long id, String userId) {
        return pool.withConnection(conn -> keys.find(conn, userId).chain(key -> key == null
                ? Uni.createFrom().<Optional<Member>>nullItem()
                : queries.membership(conn, id, key)));
    }

    public Uni<List<SegmentQueries.SegmentLink>> usedBy(long id) {
        return pool.withConnection(conn -> queries.usedBy(conn, id));
    }

    private static Rule parse(com.fasterxml.jackson.databind.JsonNode rules) {
        try {
            return RuleParser.parse(rules, "/rules");
        } catch (RuleException e) {
            throw new IllegalStateException("stored rule does not parse", e);
        }
    }
}
