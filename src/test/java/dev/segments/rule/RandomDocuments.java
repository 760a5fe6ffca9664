package dev.segments.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;

/** Random attribute documents with values of every JSON type, from the pools of {@link RandomValues}. */
final class RandomDocuments {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Random random;

    RandomDocuments(long seed) {
        this.random = new Random(seed);
    }

    ObjectNode next() {
        ObjectNode document = NODES.objectNode();
        for (String name : RandomValues.ATTRIBUTES) {
            if (random.nextInt(3) > 0) {
                document.set(name, value(2));
            }
        }
        return document;
    }

    /** Any JSON value; containers nest at most {@code depth} more levels. */
    private JsonNode value(int depth) {
        int kind = random.nextInt(depth > 0 ? 12 : 10);
        switch (kind) {
            case 0:
                return NODES.nullNode();
            case 1:
            case 2:
                return NODES.textNode(random.nextBoolean() ? pick(RandomValues.STRINGS) : RandomValues.randomString(random));
            case 3:
            case 4:
            case 5:
                return number();
            case 6:
            case 7:
                return NODES.booleanNode(random.nextBoolean());
            case 8:
            case 9:
                return NODES.textNode(RandomValues.dateOrNearMiss(random));
            case 10:
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(value(depth - 1));
                }
                return array;
            default:
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    object.set(pick(RandomValues.ATTRIBUTES), value(depth - 1));
                }
                return object;
        }
    }

    /** Integral values are written as JSON integers or as decimals at random (1 versus 1.0). */
    private JsonNode number() {
        switch (random.nextInt(6)) {
            case 0:
                return NODES.numberNode(random.nextInt(7) - 3);
            case 1:
                return NODES.numberNode(9007199254740993L);
            case 2:
                return NODES.numberNode(random.nextInt(7) - 3 + 0.5);
            default:
                double value = pick(RandomValues.NUMBERS);
                boolean integral = value == Math.rint(value) && Math.abs(value) < 1e18 && !isNegativeZero(value);
                return integral && random.nextBoolean() ? NODES.numberNode((long) value) : NODES.numberNode(value);
        }
    }

    private static boolean isNegativeZero(double value) {
        return Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(-0.0);
    }

    private <T> T pick(java.util.List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
