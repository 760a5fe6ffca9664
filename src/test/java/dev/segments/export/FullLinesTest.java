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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A directory export's lines (full and diff) are rendered in Java while its file is written, and by
 * SQL ({@link ExportFormat#lineSql}) for webhook batches: both must be byte for byte the same.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class FullLinesTest {

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
                    Row row = pool.preparedQuery("SELECT " + format.lineSql(ExportMode.FULL) + ", "
                            + "((extract(epoch FROM added_at) * 1000000)::numeric - 946684800000000)::bigint "
                            + "FROM (SELECT $1::bigint AS user_id, $2::text::timestamptz AS added_at) m")
                            .execute(Tuple.of(user, time)).await().atMost(Duration.ofSeconds(30)).iterator().next();
                    String rendered = new String(lines.bytes(), 0, lines.render(user, row.getLong(1)), StandardCharsets.US_ASCII);
                    assertEquals(row.getString(0), rendered, format + " " + user + " " + time);
                }
            }
            DiffLines diff = new DiffLines(format);
            for (long user : users) {
                for (String change : List.of("entered", "left")) {
                    String sql = pool.preparedQuery("SELECT " + format.lineSql(ExportMode.DIFF)
                            + " FROM (SELECT $1::bigint AS user_id, $2::text AS change) c").execute(Tuple.of(user, change))
                            .await().atMost(Duration.ofSeconds(30)).iterator().next().getString(0);
                    assertEquals(sql, new String(diff.bytes(), 0, diff.render(user, "entered".equals(change)),
                            StandardCharsets.US_ASCII), format + " " + user + " " + change);
                }
            }
        }
    }
}
