-- The event intake writes the catalog counts (V4 attribute_stats) and the dirty flags' attribute copies
-- (V16) of its snapshot updates itself, and the two triggers skip the statements that say so.
--
-- Why: on 1,000-event batches against 1,000,000 snapshots the two triggers were about 60% of the backend
-- CPU of the intake's snapshot UPDATE (docs/benchmark.md, "Event intake: where the time goes"): both read
-- every written document again, old and new, although the intake already knows, per user, the document
-- before and after. It computes the (attribute, JSON type) deltas in Java (usually none: an event changes
-- values, rarely their types) and writes each flag once after marking it, attributes and segment set
-- together, in the statement that updates the snapshots.
--
-- The switches are transaction-local settings (set_config(..., true)), turned on by the writer right before
-- its snapshot UPDATE and off again by its next statement; a rolled-back transaction drops them too. Every
-- other statement (imports, deletes, hand-written SQL, the intake's own insert of new users' snapshots)
-- keeps the triggers. A writer that turns a switch on takes over the trigger's whole duty for that statement:
--   * segments.catalog_by_writer = 'on': insert into attribute_stats, in the same transaction, the deltas
--     of the (attribute, JSON type) pairs of the rows it updates (the statement may not change user_id);
--   * segments.flag_copy_by_writer = 'on': set the copy of every flag of a user it writes to the
--     snapshot's attributes::text, or to NULL (a flag must exist for each: the intake marked them first and
--     holds them; the import marks its users first, without copies).
-- The data version still moves here, as before, for every statement that updated a row.

CREATE OR REPLACE FUNCTION snapshot_stats_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
    END IF;
    PERFORM nextval('data_change_seq');
    IF current_setting('segments.catalog_by_writer', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO attribute_stats (attribute, json_type, users)
    SELECT d.attribute, d.json_type, sum(d.n)
    FROM (SELECT a.key AS attribute, jsonb_typeof(a.value) AS json_type, 1 AS n
          FROM new_rows r CROSS JOIN LATERAL jsonb_each(r.attributes) a
          UNION ALL
          SELECT a.key, jsonb_typeof(a.value), -1
          FROM old_rows r CROSS JOIN LATERAL jsonb_each(r.attributes) a) d
    GROUP BY d.attribute, d.json_type
    HAVING sum(d.n) <> 0;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dirty_user_copy_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('segments.flag_copy_by_writer', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        UPDATE dirty_user SET attributes = NULL
        WHERE user_id = ANY (ARRAY(SELECT user_id FROM old_rows EXCEPT SELECT user_id FROM new_rows))
          AND attributes IS NOT NULL;
    END IF;
    UPDATE dirty_user d SET attributes = n.attributes::text
    FROM new_rows n
    WHERE d.user_id = ANY (ARRAY(SELECT user_id FROM new_rows)) AND d.user_id = n.user_id
      AND d.attributes IS DISTINCT FROM n.attributes::text;
    RETURN NULL;
END $$;
