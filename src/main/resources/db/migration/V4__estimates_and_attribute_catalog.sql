-- Size estimates and the attribute catalog.
--
-- Everything here is kept by statement-level triggers with transition tables on
-- user_attribute_snapshot (and segment_membership for the data version), so every change made
-- through SQL, by the app or by hand, on any instance, is counted. Count tables hold deltas (one row
-- per key per writing statement), summed on read and folded together by a scheduled compaction:
-- writers only ever insert, never contend on a counter row.

-- Moves on with every statement that changed snapshots or memberships: estimate caches on every
-- instance compare it with the value their answer was computed at.
CREATE SEQUENCE data_change_seq;

-- The number of snapshots (the population of an estimate), as deltas.
CREATE TABLE snapshot_count (
    users BIGINT NOT NULL
);

-- The attribute catalog: how many snapshots hold each attribute with each JSON type, as deltas.
CREATE TABLE attribute_stats (
    attribute TEXT   NOT NULL,
    json_type TEXT   NOT NULL,
    users     BIGINT NOT NULL
);
CREATE INDEX idx_attribute_stats ON attribute_stats (attribute, json_type);

CREATE FUNCTION snapshot_stats_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
    END IF;
    PERFORM nextval('data_change_seq');
    INSERT INTO snapshot_count (users) SELECT count(*) FROM new_rows;
    INSERT INTO attribute_stats (attribute, json_type, users)
    SELECT a.key, jsonb_typeof(a.value), count(*)
    FROM new_rows n CROSS JOIN LATERAL jsonb_each(n.attributes) a
    GROUP BY 1, 2;
    RETURN NULL;
END $$;

CREATE FUNCTION snapshot_stats_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
        RETURN NULL;
    END IF;
    PERFORM nextval('data_change_seq');
    INSERT INTO snapshot_count (users) SELECT -count(*) FROM old_rows;
    INSERT INTO attribute_stats (attribute, json_type, users)
    SELECT a.key, jsonb_typeof(a.value), -count(*)
    FROM old_rows o CROSS JOIN LATERAL jsonb_each(o.attributes) a
    GROUP BY 1, 2;
    RETURN NULL;
END $$;

-- Only rows whose attributes changed count, and in them only keys whose JSON type changed (added,
-- removed, or a value of another type): a changed value of the same type changes no count.
CREATE FUNCTION snapshot_stats_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
    END IF;
    PERFORM nextval('data_change_seq');
    INSERT INTO attribute_stats (attribute, json_type, users)
    SELECT d.attribute, d.json_type, sum(d.n)
    FROM old_rows o JOIN new_rows n ON n.user_id = o.user_id
    CROSS JOIN LATERAL (
        SELECT k.key AS attribute, jsonb_typeof(n.attributes -> k.key) AS json_type, 1 AS n
        FROM jsonb_object_keys(n.attributes) AS k(key)
        WHERE jsonb_typeof(o.attributes -> k.key) IS DISTINCT FROM jsonb_typeof(n.attributes -> k.key)
        UNION ALL
        SELECT k.key, jsonb_typeof(o.attributes -> k.key), -1
        FROM jsonb_object_keys(o.attributes) AS k(key)
        WHERE jsonb_typeof(o.attributes -> k.key) IS DISTINCT FROM jsonb_typeof(n.attributes -> k.key)) AS d
    WHERE o.attributes IS DISTINCT FROM n.attributes
    GROUP BY d.attribute, d.json_type
    HAVING sum(d.n) <> 0;
    RETURN NULL;
END $$;

CREATE FUNCTION snapshot_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('data_change_seq');
    DELETE FROM snapshot_count;
    DELETE FROM attribute_stats;
    RETURN NULL;
END $$;

CREATE TRIGGER snapshot_stats_insert AFTER INSERT ON user_attribute_snapshot
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION snapshot_stats_insert();
CREATE TRIGGER snapshot_stats_update AFTER UPDATE ON user_attribute_snapshot
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION snapshot_stats_update();
CREATE TRIGGER snapshot_stats_delete AFTER DELETE ON user_attribute_snapshot
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION snapshot_stats_delete();
CREATE TRIGGER snapshot_stats_truncate AFTER TRUNCATE ON user_attribute_snapshot
    FOR EACH STATEMENT EXECUTE FUNCTION snapshot_stats_truncate();

-- Composable rules read current membership, so a membership change is a data change too.
CREATE FUNCTION membership_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_rows) THEN
        PERFORM nextval('data_change_seq');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER membership_data_insert AFTER INSERT ON segment_membership
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION membership_data_changed();
CREATE TRIGGER membership_data_update AFTER UPDATE ON segment_membership
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION membership_data_changed();
CREATE TRIGGER membership_data_delete AFTER DELETE ON segment_membership
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION membership_data_changed();

INSERT INTO snapshot_count (users) SELECT count(*) FROM user_attribute_snapshot;
INSERT INTO attribute_stats (attribute, json_type, users)
SELECT a.key, jsonb_typeof(a.value), count(*)
FROM user_attribute_snapshot s CROSS JOIN LATERAL jsonb_each(s.attributes) a
GROUP BY 1, 2;
