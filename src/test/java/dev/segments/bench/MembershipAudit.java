package dev.segments.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.rule.CompiledRule;
import dev.segments.rule.Rule;
import dev.segments.rule.RuleEvaluator;
import dev.segments.rule.RuleParser;
import dev.segments.rule.SqlCompiler;
import dev.segments.rule.SqlParams;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Re-derives the memberships of a random sample of users, once with the in-memory evaluator and once
 * with the compiled SQL, and counts the (user, segment) pairs where either disagrees with the
 * membership table. References are answered from the table, as the engine does.
 */
final class MembershipAudit {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Pool pool;
    private final ObjectMapper json;
    private final BenchSettings settings;

    MembershipAudit(Pool pool, ObjectMapper json, BenchSettings settings) {
        this.pool = pool;
        this.json = json;
        this.settings = settings;
    }

    BenchFigures.Audit check(Map<Long, ObjectNode> segments) {
        Long[] users = new Random(settings.seed() ^ 0xA0D1).longs(settings.firstUserId() + 1, settings.lastUserId() + 1)
                .distinct().limit(Math.min(settings.auditUsers(), settings.users())).sorted().boxed().toArray(Long[]::new);
        Map<Long, ObjectNode> attributes = new HashMap<>();
        pool.preparedQuery("SELECT user_id, attributes::text FROM user_attribute_snapshot WHERE user_id = ANY($1::bigint[])")
                .execute(Tuple.of((Object) users)).await().atMost(TIMEOUT)
                .forEach(row -> attributes.put(row.getLong(0), parse(row.getString(1))));
        Map<Long, Set<Long>> members = new HashMap<>();
        pool.preparedQuery("""
                        SELECT user_id, segment_id FROM segment_membership
                        WHERE removed_at IS NULL AND user_id = ANY($1::bigint[])""")
                .execute(Tuple.of((Object) users)).await().atMost(TIMEOUT)
                .forEach(row -> members.computeIfAbsent(row.getLong(0), k -> new HashSet<>()).add(row.getLong(1)));
        Instant now = Instant.now();
        long evaluatorMismatches = 0;
        long sqlMismatches = 0;
        for (Map.Entry<Long, ObjectNode> segment : segments.entrySet()) {
            long id = segment.getKey();
            Rule rule = RuleParser.parse(segment.getValue(), "/rules");
            CompiledRule compiled = RuleEvaluator.compile(rule);
            Set<Long> bySql = matchingBySql(rule, users, now);
            for (Long user : users) {
                Set<Long> own = members.getOrDefault(user, Set.of());
                boolean member = own.contains(id);
                if (compiled.test(attributes.get(user), own::contains, now) != member) {
                    evaluatorMismatches++;
                }
                if (bySql.contains(user) != member) {
                    sqlMismatches++;
                }
            }
        }
        return new BenchFigures.Audit(users.length, segments.size(), evaluatorMismatches, sqlMismatches);
    }

    private Set<Long> matchingBySql(Rule rule, Long[] users, Instant now) {
        SqlParams params = new SqlParams(2);
        String where = SqlCompiler.compile(rule, "s.attributes", "s.user_id", params, now);
        List<Object> args = new ArrayList<>();
        args.add(users);
        args.addAll(params.values());
        Set<Long> matching = new HashSet<>();
        for (Row row : pool.preparedQuery("SELECT s.user_id FROM user_attribute_snapshot s WHERE s.user_id = ANY($1::bigint[]) AND "
                + where).execute(Tuple.tuple(args)).await().atMost(TIMEOUT)) {
            matching.add(row.getLong(0));
        }
        return matching;
    }

    private ObjectNode parse(String text) {
        try {
            return (ObjectNode) json.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
