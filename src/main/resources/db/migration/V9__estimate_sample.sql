-- A small, stable sample of the snapshots for fast size estimates.
--
-- Every user whose hashint8(user_id) falls in buckets 0..199 of 10,000 (about 2% of the users) has a
-- copy of its attributes here, kept by statement-level triggers with transition tables on
-- user_attribute_snapshot, in the transaction that changed the snapshot: imports, events, PUT/PATCH,
-- deletes and hand-written SQL all keep it equal to its definition. An estimate of at most 2% runs
-- TABLESAMPLE BERNOULLI over this table (a few MB) instead of over the whole snapshot table (whose
-- every page a Bernoulli sample still reads). Because the hash does not depend on attributes or
-- memberships, the users in it are a simple random sample with respect to any rule.
-- Keyed by user_id, so it can be distributed by user_id like the other user tables.

-- The bucket (0..9999) of a user: a prefix of buckets is a uniform sample of that share of the users.
CREATE FUNCTION estimate_bucket(user_id BIGINT) RETURNS INT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ((hashint8(user_id)::bigint + 2147483648) * 10000 / 4294967296)::int;

-- The number of buckets (of 10,000) the sample holds: 200, i.e. 2% of the users.
CREATE FUNCTION estimate_sample_buckets() RETURNS INT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 200;

CREATE TABLE estimate_sample (
    user_id    BIGINT PRIMARY KEY,
    bucket     INT    NOT NULL,
    attributes JSONB  NOT NULL
);

CREATE FUNCTION estimate_sample_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO estimate_sample (user_id, bucket, attributes)
    SELECT n.user_id, estimate_bucket(n.user_id), n.attributes
    FROM new_rows n
    WHERE estimate_bucket(n.user_id) < estimate_sample_buckets()
    ON CONFLICT (user_id) DO UPDATE SET bucket = excluded.bucket, attributes = excluded.attributes;
    RETURN NULL;
END $$;

-- Cheap on event intake: the transition tables are scanned at most twice per statement, only the ~2% of rows
-- in the sample touch estimate_sample, and always through its primary key (= ANY of an array, so the
-- planner never hashes the whole sample table). Rows whose attributes did not change are not
-- rewritten. A user_id changed by hand moves the row (deleted under the old id, inserted under the new).
CREATE FUNCTION estimate_sample_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM estimate_sample WHERE user_id = ANY (ARRAY(
        SELECT o.user_id FROM old_rows o WHERE estimate_bucket(o.user_id) < estimate_sample_buckets()
        EXCEPT
        SELECT n.user_id FROM new_rows n WHERE estimate_bucket(n.user_id) < estimate_sample_buckets()));
    INSERT INTO estimate_sample (user_id, bucket, attributes)
    SELECT n.user_id, estimate_bucket(n.user_id), n.attributes
    FROM new_rows n
    WHERE estimate_bucket(n.user_id) < estimate_sample_buckets()
    ON CONFLICT (user_id) DO UPDATE SET attributes = excluded.attributes
        WHERE estimate_sample.attributes IS DISTINCT FROM excluded.attributes;
    RETURN NULL;
END $$;

CREATE FUNCTION estimate_sample_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM estimate_sample WHERE user_id = ANY (ARRAY(
        SELECT o.user_id FROM old_rows o WHERE estimate_bucket(o.user_id) < estimate_sample_buckets()));
    RETURN NULL;
END $$;

CREATE FUNCTION estimate_sample_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE estimate_sample;
    RETURN NULL;
END $$;

CREATE TRIGGER estimate_sample_insert AFTER INSERT ON user_attribute_snapshot
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION estimate_sample_insert();
CREATE TRIGGER estimate_sample_update AFTER UPDATE ON user_attribute_snapshot
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION estimate_sample_update();
CREATE TRIGGER estimate_sample_delete AFTER DELETE ON user_attribute_snapshot
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION estimate_sample_delete();
CREATE TRIGGER estimate_sample_truncate AFTER TRUNCATE ON user_attribute_snapshot
    FOR EACH STATEMENT EXECUTE FUNCTION estimate_sample_truncate();

INSERT INTO estimate_sample (user_id, bucket, attributes)
SELECT user_id, estimate_bucket(user_id), attributes
FROM user_attribute_snapshot
WHERE estimate_bucket(user_id) < estimate_sample_buckets();
