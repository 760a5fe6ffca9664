package dev.segments.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.problem.Problem.FieldError;
import dev.segments.problem.ProblemException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdsTest {

    /** As the app reads JSON (dev.segments.json.JsonSetup): decimals as BigDecimal. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @ParameterizedTest
    @CsvSource({"1, 1", "42, 42", "4611686018427387903, 4611686018427387903", "9007199254740993, 9007199254740993"})
    void shouldTakeACanonicalDecimalBelowTwoToTheSixtyTwoAsItsOwnInternalId(String external, long internal) {
        assertEquals(internal, UserIds.numeric(external));
        assertEquals(true, UserIds.readsAsNumber(internal));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "042", "+42", "-42", "4.2", "4611686018427387904", "99999999999999999999", "42 ", " 42",
            "user_8f3a", "٤٢", "1e3"})
    void shouldNeedAMappingForEveryOtherId(String external) {
        assertEquals(-1, UserIds.numeric(external));
    }

    @Test
    void shouldReadAllocatedAndNonPositiveInternalIdsThroughTheTable() {
        assertEquals(false, UserIds.readsAsNumber(UserIds.ALLOCATED_FROM));
        assertEquals(false, UserIds.readsAsNumber(0));
        assertEquals(false, UserIds.readsAsNumber(-5));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"user_8f3a\"        | user_8f3a",
            "42                   | 42",
            "\"42\"               | 42",
            "\"042\"              | 042",
            "-7                   | -7",
            "0                    | 0",
            "42.0                 | 42",
            "4.2e1                | 42",
            "123456789012345678901234567890 | 123456789012345678901234567890",
            "\"Zoë 😀 / ? # %\"   | Zoë 😀 / ? # %"})
    void shouldTakeStringsAsTheyAreAndWholeNumbersAsTheirDecimalString(String json, String expected) throws Exception {
        List<FieldError> errors = new ArrayList<>();
        assertEquals(expected, UserIds.fromJson(JSON.readTree(json), "/0/user_id", errors));
        assertEquals(List.of(), errors);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"a\\u0000b\"", "\"tab\\there\"", "\"line\\nbreak\"", "\"del\\u007f\"", "\"c1\\u0085\"",
            "\"lone \\ud800 surrogate\"", "4.5", "1e999999999", "-1e256", "true", "{\"id\": 1}", "[1]", "null"})
    void shouldRefuseEmptyControlCharactersFractionsAndNonScalars(String json) throws Exception {
        List<FieldError> errors = new ArrayList<>();
        JsonNode node = JSON.readTree(json);
        assertNull(UserIds.fromJson(node, "/0/user_id", errors));
        assertEquals(1, errors.size());
        assertEquals("/0/user_id", errors.get(0).pointer());
    }

    @Test
    void shouldRefuseANumberTooLargeForADoubleWhenReadAsOne() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        assertNull(UserIds.fromJson(new ObjectMapper().readTree("1e999999999"), "/user_id", errors));
        assertEquals("/user_id", errors.get(0).pointer());
    }

    @Test
    void shouldCountCharactersNotUtf16Units() {
        String emoji255 = "😀".repeat(255);
        List<FieldError> errors = new ArrayList<>();
        assertEquals(emoji255, UserIds.fromJson(JSON.getNodeFactory().textNode(emoji255), "/user_id", errors));
        assertNull(UserIds.fromJson(JSON.getNodeFactory().textNode(emoji255 + "a"), "/user_id", errors));
        assertEquals(1, errors.size());
        assertEquals("x".repeat(255), UserIds.fromPath("x".repeat(255)));
        ProblemException tooLong = assertThrows(ProblemException.class, () -> UserIds.fromPath("x".repeat(256)));
        assertEquals("/user_id", tooLong.toProblem().errors().get(0).pointer());
    }
}
