-- Per-segment statistics of the open memberships: count, sum of user ids, sum of hashint8(user_id).
-- Kept by statement-level triggers on segment_membership, so every change made through SQL, by the
-- app or by hand, is counted. Rows are deltas (one per segment per writing statement), summed on
-- read and folded together by a scheduled compaction: writers only ever insert, never contend.
CREATE TABLE segment_member_stats (
    segment_id   BIGINT  NOT NULL,
    member_count BIGINT  NOT NULL,
    id_sum       NUMERIC NOT NULL,
    hash_sum     BIGINT  NOT NULL
);
CREATE INDEX idx_member_stats_segment ON segment_member_stats (segment_id);

CREATE FUNCTION member_stats_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO segment_member_stats (segment_id, member_count, id_sum, hash_sum)
    SELECT segment_id, count(*), sum(user_id), sum(hashint8(user_id))
    FROM new_rows WHERE removed_at IS NULL GROUP BY segment_id;
    RETURN NULL;
END $$;

CREATE FUNCTION member_stats_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO segment_member_stats (segment_id, member_count, id_sum, hash_sum)
    SELECT segment_id, -count(*), -sum(user_id), -sum(hashint8(user_id))
    FROM old_rows WHERE removed_at IS NULL GROUP BY segment_id;
    RETURN NULL;
END $$;

CREATE FUNCTION member_stats_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO segment_member_stats (segment_id, member_count, id_sum, hash_sum)
    SELECT segment_id, sum(n), sum(n * user_id), sum(n * hashint8(user_id))
    FROM (SELECT segment_id, user_id, 1 AS n FROM new_rows WHERE removed_at IS NULL
          UNION ALL
          SELECT segment_id, user_id, -1 AS n FROM old_rows WHERE removed_at IS NULL) AS change
    GROUP BY segment_id
    HAVING sum(n) <> 0 OR sum(n * user_id) <> 0 OR sum(n * hashint8(user_id)) <> 0;
    RETURN NULL;
END $$;

CREATE TRIGGER membership_stats_insert AFTER INSERT ON segment_membership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_stats_insert();
CREATE TRIGGER membership_stats_update AFTER UPDATE ON segment_membership
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_stats_update();
CREATE TRIGGER membership_stats_delete AFTER DELETE ON segment_membership
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION member_stats_delete();

INSERT INTO segment_member_stats (segment_id, member_count, id_sum, hash_sum)
SELECT segment_id, count(*), sum(user_id), sum(hashint8(user_id))
FROM segment_membership WHERE removed_at IS NULL GROUP BY segment_id;
