-- A dirty flag carries a copy of its user's attributes, so that the dirty-user pass reads what it
-- evaluates from the flags it claims (a few hundred KB of one small table, in id order) instead of
-- looking every user up in the 1M-row snapshot table and converting their JSONB to text.
--
-- The copy is exact or absent:
--     dirty_user.attributes IS NULL OR dirty_user.attributes = (the user's snapshot).attributes::text
-- at every commit. A flag is created without a copy (markers write user_id and seq); the statement-level
-- triggers below refresh the copy of every existing flag in the same statement that writes the
-- snapshot (imports, events, PUT/PATCH, hand-written SQL), and clear it when the snapshot is deleted or
-- truncated. The pass reads the snapshot itself for a flag without a copy.
-- An event marks its users first and writes their snapshots after, so its copy is set by the trigger
-- before it commits. A writer racing a pass cannot leave a stale copy behind: its trigger's update
-- waits for the flag the pass has claimed (and deleted), then finds none, exactly as a marker would.
ALTER TABLE dirty_user ADD COLUMN attributes TEXT;
-- Room for the copy to be set in place (a heap-only update) after the flag was inserted without it.
ALTER TABLE dirty_user SET (fillfactor = 60);

-- Sets the copies of the written users that have a flag (through its primary key: = ANY of an array,
-- so the planner never scans the flags); a copy already equal is not rewritten. On an update, a
-- user_id changed by hand first clears the copy of the old id's flag (old_rows exists only then, and
-- PL/pgSQL plans that statement only when it runs).
CREATE FUNCTION dirty_user_copy_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

CREATE FUNCTION dirty_user_copy_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dirty_user SET attributes = NULL
    WHERE user_id = ANY (ARRAY(SELECT user_id FROM old_rows)) AND attributes IS NOT NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION dirty_user_copy_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dirty_user SET attributes = NULL WHERE attributes IS NOT NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER dirty_user_copy_insert AFTER INSERT ON user_attribute_snapshot
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dirty_user_copy_written();
CREATE TRIGGER dirty_user_copy_update AFTER UPDATE ON user_attribute_snapshot
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dirty_user_copy_written();
CREATE TRIGGER dirty_user_copy_delete AFTER DELETE ON user_attribute_snapshot
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dirty_user_copy_deleted();
CREATE TRIGGER dirty_user_copy_truncate AFTER TRUNCATE ON user_attribute_snapshot
    FOR EACH STATEMENT EXECUTE FUNCTION dirty_user_copy_truncated();

UPDATE dirty_user d SET attributes = s.attributes::text FROM user_attribute_snapshot s WHERE s.user_id = d.user_id;
