package dev.segments.user;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.jboss.logging.Logger;

/**
 * The set-based half of an import: the lines are copied into a temporary table (no WAL, dropped at
 * commit), then applied to the user tables in a few statements, inside the import's transaction.
 * Keyed by {@code user_id} for numeric ids and by {@code external_id} for the others ({@link UserIds}):
 * one user always arrives in the same column, so the pair identifies the user.
 */
final class ImportStaging {

    private static final Logger LOG = Logger.getLogger(ImportStaging.class);

    static final String CREATE = """
            CREATE TEMPORARY TABLE import_line (
                line            BIGINT NOT NULL,
                user_id         BIGINT,
                external_id     TEXT COLLATE "C",
                attributes      JSONB NOT NULL,
                attribute_times JSONB NOT NULL
            ) ON COMMIT DROP""";

    static final String COPY = "COPY import_line (line, user_id, external_id, attributes, attribute_times) FROM STDIN";

    /**
     * The missing {@code user_key} rows of the string ids, numbered in id order (as {@link UserKeys}
     * does, so concurrent creators take the unique index entries in one order). Unlike UserKeys this
     * runs in the import's transaction: an event for one of these new ids waits for the import's
     * commit, and a rolled-back import leaves no mapping behind.
     */
    private static final String CREATE_KEYS = """
            INSERT INTO user_key (id, external_id)
            SELECT nextval('user_key_seq'), e FROM (
                SELECT DISTINCT s.external_id AS e FROM import_line s
                WHERE s.external_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM user_key k WHERE k.external_id = s.external_id)
                ORDER BY 1) AS missing
            ON CONFLICT (external_id) DO NOTHING""";

    /** The internal id and row of every staged line. */
    private static final String LINES = """
            SELECT coalesce(s.user_id, k.id) AS user_id, s.attributes, s.attribute_times
            FROM import_line s LEFT JOIN user_key k ON k.external_id = s.external_id""";

    /** Bulk replace: the snapshot becomes the line's attributes, every attribute at the import's time. */
    private static final String WRITE_SNAPSHOTS = """
            INSERT INTO user_attribute_snapshot (user_id, attributes, attribute_times, updated_at)
            SELECT l.user_id, l.attributes, l.attribute_times, now() FROM (%s) AS l
            ON CONFLICT (user_id) DO UPDATE SET attributes = EXCLUDED.attributes,
                attribute_times = EXCLUDED.attribute_times, updated_at = now()""".formatted(LINES);

    /**
     * Flags every imported user for the dirty-user pass, before any snapshot is written and in user order:
     * the order of every other writer (events, deletions: flag first, then snapshot), so an import and
     * events for the same users wait for each other instead of deadlocking. The flags carry no copy of the
     * attributes (V16 allows a flag without one: the pass then reads the snapshot, as it will for every
     * imported user anyway), and the snapshots are then written with the flag-copy trigger switched off
     * (V21), which saves writing the whole import a second time as text. A flag's segment-set copy (V17)
     * stays: an import changes no membership.
     */
    private static final String MARK_DIRTY = """
            INSERT INTO dirty_user (user_id, seq)
            SELECT u, nextval('dirty_user_seq') FROM (
                SELECT DISTINCT coalesce(s.user_id, k.id) AS u
                FROM import_line s LEFT JOIN user_key k ON k.external_id = s.external_id
                ORDER BY 1) AS imported
            ON CONFLICT (user_id) DO UPDATE SET seq = EXCLUDED.seq, marked_at = now(), attributes = NULL""";

    private static final String FLAG_COPIES_BY_IMPORT = "SELECT set_config('segments.flag_copy_by_writer', 'on', true)";
    private static final String FLAG_COPIES_BY_TRIGGER = "SELECT set_config('segments.flag_copy_by_writer', 'off', true)";

    /** Keeps only the last line of each user (line order), for imports that name a user twice. */
    private static final String DROP_EARLIER_LINES = """
            DELETE FROM import_line WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM (
                    SELECT ctid, row_number() OVER (PARTITION BY user_id, external_id ORDER BY line DESC) AS n
                    FROM import_line) AS ranked
                WHERE n > 1))""";

    /** SQLSTATE of "ON CONFLICT DO UPDATE command cannot affect row a second time". */
    private static final String CARDINALITY_VIOLATION = "21000";

    private ImportStaging() {
    }

    static void create(Connection conn) throws SQLException {
        try (Statement sql = conn.createStatement()) {
            sql.execute(CREATE);
        }
    }

    /**
     * Applies the staged lines; answers the number of users imported. Most imports name each user
     * once, so the snapshots are first written straight from the staged lines; if a user appears
     * twice, that statement fails, is rolled back to its savepoint, and the earlier lines are dropped.
     */
    static long apply(Connection conn) throws SQLException {
        try (Statement sql = conn.createStatement()) {
            long start = System.nanoTime();
            int keys = sql.executeUpdate(CREATE_KEYS);
            sql.executeUpdate(MARK_DIRTY);
            long keysDone = System.nanoTime();
            sql.execute(FLAG_COPIES_BY_IMPORT);
            Savepoint beforeWrite = conn.setSavepoint();
            long written;
            try {
                written = sql.executeUpdate(WRITE_SNAPSHOTS);
            } catch (SQLException e) {
                if (!CARDINALITY_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                conn.rollback(beforeWrite);
                sql.execute("SET LOCAL work_mem = '256MB'");
                sql.executeUpdate(DROP_EARLIER_LINES);
                written = sql.executeUpdate(WRITE_SNAPSHOTS);
            }
            conn.releaseSavepoint(beforeWrite);
            sql.execute(FLAG_COPIES_BY_TRIGGER);
            LOG.infof("Import: %,d users written (%,d new user_key rows and dirty flags %d ms, snapshots %d ms)", written, keys,
                    (keysDone - start) / 1_000_000, (System.nanoTime() - keysDone) / 1_000_000);
            return written;
        }
    }
}
