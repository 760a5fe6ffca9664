package dev.segments.export;

import dev.segments.user.UserIdSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * What a webhook export sends, staged once at its first run ({@code export_item_chunk}): one row per
 * range of 4096 user ids, not per member, holding the offsets of the members (full) or of who entered
 * and who left (diff) like the baseline does. A batch is the {@code size} items after the last user id
 * sent, so batch {@code n} holds the same members on every retry; it reads only the few rows it needs
 * (found by their item counts, without reading the arrays). The database holds about 2 bytes a
 * member (10 with a full export's join times) while an export is in flight; the JVM one batch.
 */
final class WebhookItems {

    private static final int BITS = ExportBaseline.CHUNK_BITS;
    private static final int MASK = (1 << BITS) - 1;
    private static final String OFFSET = ExportBaseline.OFFSET;

    private WebhookItems() {
    }

    /** Stages the export's items in one statement (one snapshot); answers nothing, counts go to the export row. */
    static Uni<Void> stage(SqlClient db, ExportView export) {
        String insert;
        Tuple args;
        if (export.exportMode() == ExportMode.FULL) {
            insert = "INSERT INTO export_item_chunk (export_id, chunk, members, added_at, item_count) SELECT $1, user_id >> "
                    + BITS + ", array_agg(" + OFFSET + " ORDER BY user_id), array_agg(added_at ORDER BY user_id), count(*) "
                    + "FROM segment_membership WHERE segment_id = $2 AND removed_at IS NULL GROUP BY 2";
            args = Tuple.of(export.id(), export.segmentId());
        } else {
            insert = "INSERT INTO export_item_chunk (export_id, chunk, members, gone, item_count) SELECT $1, d.chunk, e.ids, l.ids, "
                    + "cardinality(e.ids) + cardinality(l.ids) FROM (" + ExportBaseline.changedChunksSql(
                            ExportBaseline.memberChunksSql("$2"), "$2", "$3", true) + ") d "
                    + "CROSS JOIN LATERAL (SELECT ARRAY(SELECT u FROM export_offsets_minus(d.cur, d.old) u ORDER BY u) AS ids) e "
                    + "CROSS JOIN LATERAL (SELECT ARRAY(SELECT u FROM export_offsets_minus(d.old, d.cur) u ORDER BY u) AS ids) l";
            args = Tuple.of(export.id(), export.segmentId(), export.destinationId());
        }
        return db.preparedQuery("DELETE FROM export_item_chunk WHERE export_id = $1").execute(Tuple.of(export.id()))
                .chain(() -> db.preparedQuery(insert).execute(args))
                .chain(() -> db.preparedQuery("""
                        UPDATE segment_export e SET staged = true, total_count = c.total,
                               entered_count = CASE WHEN e.mode = 'diff' THEN c.entered END,
                               left_count = CASE WHEN e.mode = 'diff' THEN c.gone END
                        FROM (SELECT coalesce(sum(item_count), 0) AS total, coalesce(sum(cardinality(members)), 0) AS entered,
                                     coalesce(sum(cardinality(gone)), 0) AS gone
                              FROM export_item_chunk WHERE export_id = $1) c
                        WHERE e.id = $1""").execute(Tuple.of(export.id())))
                .replaceWithVoid();
    }

    /**
     * The next batch: columns user_id (internal: the cursor) and the line (with the external id, looked up
     * in {@code user_key} only for allocated ids, once the batch is picked), the {@code size} items after
     * user id {@code through}.
     * Its items lie in the chunks whose items before them (counting from {@code through}'s chunk, which
     * may hold up to 4096 items already sent) are fewer than {@code size + 4096}; at most
     * {@code size + 1} chunks are looked at, since each holds an item.
     */
    static Uni<List<Row>> batch(SqlClient db, ExportView export, long through, int size) {
        String change = export.exportMode() == ExportMode.FULL ? "'member'" : "'entered'";
        String sql = "WITH picked AS (SELECT c.chunk, c.members, c.added_at, c.gone FROM (SELECT chunk, sum(item_count) OVER "
                + "(ORDER BY chunk) - item_count AS before FROM (SELECT chunk, item_count FROM export_item_chunk WHERE export_id = $1 "
                + "AND chunk >= ($2::bigint >> " + BITS + ") ORDER BY chunk LIMIT $3 + 1) h) w "
                + "JOIN export_item_chunk c ON c.export_id = $1 AND c.chunk = w.chunk WHERE w.before < $3 + " + (MASK + 1) + ") "
                + "SELECT user_id, " + export.exportFormat().lineSql(export.exportMode()) + " FROM (SELECT b.*, "
                + UserIdSql.allocated("b.user_id") + " AS external_id FROM (SELECT * FROM ("
                + "SELECT (p.chunk << " + BITS + ") + t.o AS user_id, t.a AS added_at, " + change + " AS change "
                + "FROM picked p CROSS JOIN LATERAL unnest(p.members, p.added_at) AS t(o, a) WHERE t.o IS NOT NULL "
                + "UNION ALL SELECT (p.chunk << " + BITS + ") + g, NULL, 'left' FROM picked p CROSS JOIN LATERAL unnest(p.gone) g"
                + ") x WHERE user_id > $2 ORDER BY user_id LIMIT $3) b) y ORDER BY user_id";
        return db.preparedQuery(sql).execute(Tuple.of(export.id(), through, size)).map(rows -> {
            List<Row> list = new ArrayList<>(rows.size());
            rows.forEach(list::add);
            return list;
        });
    }

    /**
     * Moves the baseline by what the export sent: a full export replaces it, a diff export adds who
     * entered and drops who left, in the chunks it staged. Answers {entered, left} of the baseline.
     */
    static Uni<long[]> applySent(SqlClient db, ExportView export) {
        String staged = "FROM export_item_chunk k WHERE k.export_id = " + export.id();
        String current = export.exportMode() == ExportMode.FULL ? "SELECT k.chunk, k.members AS ids " + staged
                : "SELECT k.chunk, ARRAY(SELECT u FROM (SELECT unnest(b.offsets) EXCEPT SELECT unnest(k.gone) "
                        + "UNION SELECT unnest(k.members)) s(u) ORDER BY u) AS ids FROM export_item_chunk k "
                        + "LEFT JOIN export_baseline_chunk b ON b.segment_id = " + export.segmentId() + " AND b.destination_id = "
                        + export.destinationId() + " AND b.chunk = k.chunk WHERE k.export_id = " + export.id();
        String sql = ExportBaseline.advanceSql(current, export.segmentId(), export.destinationId(),
                export.exportMode() == ExportMode.FULL);
        return db.query(sql).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new long[] {row.getLong("entered"), row.getLong("left")};
        });
    }

    static Uni<Void> drop(SqlClient db, long exportId) {
        return db.preparedQuery("DELETE FROM export_item_chunk WHERE export_id = $1").execute(Tuple.of(exportId))
                .replaceWithVoid();
    }
}
