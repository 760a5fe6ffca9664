package dev.segments.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Random but realistic segment rules over the attributes of {@link BenchUsers}: a top-level AND of
 * clauses, each a condition, a NOT of one, or an OR of two to four conditions (sometimes with an
 * AND inside); some rules also reference earlier segments. The same seed gives the same rules.
 */
final class BenchSegments {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One condition generator per attribute, drawing operands from the same pools as the users. */
    private static final List<Function<Random, ObjectNode>> CONDITIONS = List.of(
            r -> r.nextInt(3) == 0 ? condition("country", "eq", JSON.textNode(any(r, BenchUsers.COUNTRIES)))
                    : condition("country", r.nextBoolean() ? "in" : "not_in", list(r, BenchUsers.COUNTRIES, 2 + r.nextInt(4))),
            r -> r.nextBoolean() ? condition("account_tier", "in", list(r, BenchUsers.TIERS, 2))
                    : condition("account_tier", "neq", JSON.textNode(any(r, BenchUsers.TIERS))),
            r -> condition("lifetime_value", r.nextBoolean() ? "gt" : "lte", JSON.numberNode(r.nextInt(800) * 1.0)),
            r -> condition("account_age_days", r.nextBoolean() ? "gte" : "lt", JSON.numberNode(30 + r.nextInt(1200))),
            r -> condition("signup_date", r.nextBoolean() ? "gte" : "lt",
                    JSON.textNode((2022 + r.nextInt(4)) + "-" + String.format("%02d", 1 + r.nextInt(12)) + "-01")),
            r -> r.nextInt(4) == 0 ? condition("referral_source", r.nextBoolean() ? "is_null" : "is_not_null", null)
                    : condition("referral_source", "in", list(r, BenchUsers.SOURCES, 1 + r.nextInt(3))),
            r -> condition("platform", r.nextBoolean() ? "eq" : "neq", JSON.textNode(any(r, BenchUsers.PLATFORMS))),
            r -> condition("tags", "contains", JSON.textNode(any(r, BenchUsers.TAGS))),
            r -> condition("email_opt_in", "eq", JSON.booleanNode(r.nextInt(4) != 0)),
            r -> condition("sessions_30d", r.nextBoolean() ? "gte" : "lt", JSON.numberNode(1 + r.nextInt(60))),
            r -> r.nextBoolean() ? condition("language", "eq", JSON.textNode(any(r, BenchUsers.LANGUAGES)))
                    : condition("language", "not_in", list(r, BenchUsers.LANGUAGES, 2)),
            r -> r.nextInt(4) == 0 ? condition("last_purchase_days_ago", "is_null", null)
                    : condition("last_purchase_days_ago", r.nextBoolean() ? "lte" : "gt", JSON.numberNode(7 + r.nextInt(360))),
            r -> condition("age", r.nextBoolean() ? "gte" : "lt", JSON.numberNode(20 + r.nextInt(45))),
            r -> condition("orders_count", r.nextBoolean() ? "gte" : "lt", JSON.numberNode(1 + r.nextInt(20))),
            r -> condition("app_version", r.nextBoolean() ? "gte" : "eq", JSON.textNode(any(r, BenchUsers.APP_VERSIONS))));

    private final Random random;

    BenchSegments(long seed) {
        this.random = new Random(seed);
    }

    /**
     * A rule with {@code conditions} attribute conditions and, with {@code referable} non-empty and
     * some probability, one or two references to those segment ids.
     */
    ObjectNode rule(int conditions, List<Long> referable) {
        ArrayNode clauses = JSON.arrayNode();
        int left = conditions;
        while (left > 0) {
            int size = Math.min(left, random.nextInt(3) == 0 ? 1 : 2 + random.nextInt(3));
            clauses.add(clause(size));
            left -= size;
        }
        if (!referable.isEmpty() && random.nextInt(4) == 0) {
            int refs = 1 + random.nextInt(2);
            for (int i = 0; i < refs; i++) {
                ObjectNode ref = JSON.objectNode().put("segment", referable.get(random.nextInt(referable.size())));
                clauses.add(random.nextInt(3) == 0 ? group("NOT", ref) : ref);
            }
        }
        return group("AND", clauses);
    }

    /** A rule of {@code min}..{@code max} conditions. */
    ObjectNode rule(int min, int max, List<Long> referable) {
        return rule(min + random.nextInt(max - min + 1), referable);
    }

    private ObjectNode clause(int size) {
        if (size == 1) {
            ObjectNode only = condition();
            return random.nextInt(8) == 0 ? group("NOT", only) : only;
        }
        ArrayNode alternatives = JSON.arrayNode();
        int left = size;
        while (left > 0) {
            if (left >= 2 && random.nextInt(4) == 0) {
                alternatives.add(group("AND", condition(), condition()));
                left -= 2;
            } else {
                alternatives.add(condition());
                left--;
            }
        }
        return group("OR", alternatives);
    }

    private ObjectNode condition() {
        return CONDITIONS.get(random.nextInt(CONDITIONS.size())).apply(random);
    }

    private static ObjectNode group(String operator, ObjectNode... children) {
        ArrayNode array = JSON.arrayNode();
        for (ObjectNode child : children) {
            array.add(child);
        }
        return group(operator, array);
    }

    private static ObjectNode group(String operator, ArrayNode children) {
        ObjectNode group = JSON.objectNode().put("operator", operator);
        group.set("conditions", children);
        return group;
    }

    private static ObjectNode condition(String attribute, String op, com.fasterxml.jackson.databind.JsonNode value) {
        ObjectNode condition = JSON.objectNode().put("attribute", attribute).put("op", op);
        if (value != null) {
            condition.set("value", value);
        }
        return condition;
    }

    private static String any(Random random, String[] pool) {
        return pool[random.nextInt(pool.length)];
    }

    private static ArrayNode list(Random random, String[] pool, int size) {
        ArrayNode list = JSON.arrayNode();
        random.ints(0, pool.length).mapToObj(i -> pool[i]).distinct().limit(Math.min(size, distinct(pool)))
                .forEach(list::add);
        return list;
    }

    private static int distinct(String[] pool) {
        return (int) java.util.Arrays.stream(pool).distinct().count();
    }
}
