package dev.segments.compute;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.segment.CatalogSegment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses attribute documents for evaluation, keeping only the attributes some rule uses: the others
 * are skipped without building nodes. Numbers as doubles, the type rules compare them in (exactly
 * what the app's decimal-keeping mapper would give after conversion, without a BigDecimal per number).
 * Thread-safe.
 */
final class UsedAttributes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Set<String> used = new HashSet<>();

    UsedAttributes(List<CatalogSegment> segments) {
        segments.forEach(segment -> used.addAll(segment.rule().attributes()));
    }

    ObjectNode parse(byte[] document) {
        try (JsonParser parser = JSON.createParser(document)) {
            return read(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ObjectNode parse(String document) {
        try (JsonParser parser = JSON.createParser(document)) {
            return read(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode read(JsonParser parser) throws IOException {
        ObjectNode attributes = JSON.createObjectNode();
        parser.nextToken();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (used.contains(name)) {
                attributes.set(name, value(parser));
            } else {
                parser.skipChildren();
            }
        }
        return attributes;
    }

    /** Scalars are built directly from the token (the common case); arrays and objects by the mapper. */
    private static JsonNode value(JsonParser parser) throws IOException {
        JsonNodeFactory nodes = JSON.getNodeFactory();
        switch (parser.currentToken()) {
            case VALUE_STRING:
                return nodes.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? nodes.numberNode(parser.getBigIntegerValue()) : nodes.numberNode(parser.getLongValue());
            case VALUE_NUMBER_FLOAT:
                return nodes.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return nodes.booleanNode(true);
            case VALUE_FALSE:
                return nodes.booleanNode(false);
            case VALUE_NULL:
                return nodes.nullNode();
            default:
                return JSON.readTree(parser);
        }
    }
}
