package dev.segments.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A directory export's lines (full and diff) are rendered in Java while its file is written, and by
 * SQL ({@link ExportFormat#lineSql}) for webhook batches: both must be byte for byte the same, for
 * numeric ids and for external ids that need CSV quoting or JSON escaping.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class FullLinesTest {

    /** External ids of allocated users (null: an id that reads as its number). */
    static final List<String> EXTERNAL_IDS = Arrays.asList(null, "user-1", "a,b", "say \"hi\"", "\"", ",", "ünï©ødé 日本 🎉",
            "line\nbreak", "cr\rhere", "back\\slash", "tab\there", "bell\u0007", "/?#% &=+", "'quoted'", "0042");

    @Inject
    Pool pool;

    @Test
    void shouldRenderFullLinesExactlyAsSqlDoes() {
        List<String> times = List.of("2026-11-27 12:05:58.187123+00", "2026-11-27 12:05:58+00", "2026-11-27 12:05:58.1+00",
                "2000-01-01 00:00:00+00", "1999-12-31 23:59:59.999999+00", "1970-01-01 00:00:00.000001+00",
                "2024-02-29 23:00:00.5-05", "0999-03-04 05:06:07.08+00", "12345-06-07 08:09:10.111213+00",
                "0044-03-15 12:00:00+00 BC", "2026-06-30 22:30:00.000050+02");
        long[] users = {1, 7_100_021, Long.MAX_VALUE, -42, 0};
        for (ExportFormat format : ExportFormat.values()) {
            FullLines lines = new FullLines(format);
            for (String time : times) {
                for (long user : users) {
                    assertFull(format, lines, user, null, time);
                }
                for (String external : EXTERNAL_IDS) {
                    assertFull(format, lines, 4_611_686_018_427_387_904L, external, time);
                }
            }
            DiffLines diff = new DiffLines(format);
            for (long user : users) {
                assertDiff(format, diff, user, null);
            }
            for (String external : EXTERNAL_IDS) {
                assertDiff(format, diff, 4_611_686_018_427_387_905L, external);
            }
        }
    }

    @Test
    void shouldQuoteCsvAndEscapeJsonIds() {
        FullLines csv = new FullLines(ExportFormat.CSV);
        assertEquals("\"say \"\"hi\"\", a,b\",2000-01-01T00:00:00.000000Z", text(csv, csv.render(1L << 62, "say \"hi\", a,b", 0)));
        assertEquals("ünï 日本,2000-01-01T00:00:00.000000Z", text(csv, csv.render(1L << 62, "ünï 日本", 0)));
        assertEquals("42,2000-01-01T00:00:00.000000Z", text(csv, csv.render(42, null, 0)));
        FullLines json = new FullLines(ExportFormat.JSON);
        assertEquals("{\"user_id\":\"42\",\"added_at\":\"2000-01-01T00:00:00.000000Z\"}", text(json, json.render(42, null, 0)));
        assertEquals("{\"user_id\":\"a\\\"b\\\\c\",\"added_at\":\"2000-01-01T00:00:00.000000Z\"}",
                text(json, json.render(1L << 62, "a\"b\\c", 0)));
        DiffLines diff = new DiffLines(ExportFormat.CSV);
        assertEquals("\"a,b\",left", text(diff.bytes(), diff.render(1L << 62, "a,b", false)));
    }

    private void assertFull(ExportFormat format, FullLines lines, long user, String external, String time) {
        Row row = pool.preparedQuery("SELECT " + format.lineSql(ExportMode.FULL) + ", "
                + "((extract(epoch FROM added_at) * 1000000)::numeric - 946684800000000)::bigint "
                + "FROM (SELECT $1::bigint AS user_id, $3::text AS external_id, $2::text::timestamptz AS added_at) m")
                .execute(Tuple.of(user, time, external)).await().atMost(Duration.ofSeconds(30)).iterator().next();
        String rendered = text(lines, lines.render(user, external, row.getLong(1)));
        assertEquals(row.getString(0), rendered, format + " " + user + " " + external + " " + time);
    }

    private void assertDiff(ExportFormat format, DiffLines diff, long user, String external) {
        for (String change : List.of("entered", "left")) {
            String sql = pool.preparedQuery("SELECT " + format.lineSql(ExportMode.DIFF)
                    + " FROM (SELECT $1::bigint AS user_id, $3::text AS external_id, $2::text AS change) c")
                    .execute(Tuple.of(user, change, external)).await().atMost(Duration.ofSeconds(30)).iterator().next().getString(0);
            assertEquals(sql, text(diff.bytes(), diff.render(user, external, "entered".equals(change))),
                    format + " " + user + " " + external + " " + change);
        }
    }

    private static String text(FullLines lines, int length) {
        return text(lines.bytes(), length);
    }

    private static String text(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
