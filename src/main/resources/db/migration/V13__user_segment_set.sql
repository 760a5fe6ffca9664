-- Each user's open memberships as one small row keyed by user_id, so that the per-user paths (an
-- event, the dirty-user pass) read a user's segments with one index probe instead of visiting the
-- ~5-9 pages of segment_membership (clustered by segment) that hold them. segment_membership stays
-- the truth (history, members by segment); this is a projection of its open rows:
--     segment_ids = {segment_id : (segment_id, user_id) in segment_membership AND removed_at IS NULL}
-- kept in the same transaction by every writer of memberships (MembershipStore.write, MembershipDiff,
-- SegmentStore.delete). Writers change it with deltas (+id joins, -id leaves) in one statement per
-- transaction, rows in user_id order, after their membership writes: two writers never deadlock and
-- concurrent changes of different segments of one user never overwrite each other.
-- The order of ids inside the array carries no meaning.
CREATE TABLE user_segment_set (
    user_id     BIGINT PRIMARY KEY,
    segment_ids BIGINT[] NOT NULL
) WITH (fillfactor = 80);

-- current with one change applied: +id adds id (once), -id removes it (inlined by the planner).
CREATE FUNCTION segment_set_apply_one(current BIGINT[], d BIGINT) RETURNS BIGINT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN d > 0 THEN CASE WHEN d = ANY (current) THEN current ELSE current || d END
                ELSE array_remove(current, -d) END
$$;

-- current with a delta applied: +id adds id (once), -id removes it. A writer upserts the delta
-- itself (ON CONFLICT ... EXCLUDED carries it), so a user's first row is their first delta, which
-- holds only joins: a leave needs an open membership, hence an existing row. Should a negative id
-- ever be stored, readers ignore it and the next delta drops it.
CREATE FUNCTION segment_set_apply(current BIGINT[], delta BIGINT[]) RETURNS BIGINT[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    d BIGINT;
    result BIGINT[] := array_remove(current, NULL);
BEGIN
    IF 0 >= ANY (result) THEN
        result := ARRAY(SELECT id FROM unnest(result) AS r(id) WHERE id > 0);
    END IF;
    FOREACH d IN ARRAY delta LOOP
        result := segment_set_apply_one(result, d);
    END LOOP;
    RETURN result;
END
$$;

INSERT INTO user_segment_set (user_id, segment_ids)
SELECT user_id, array_agg(segment_id ORDER BY segment_id) FROM segment_membership
WHERE removed_at IS NULL GROUP BY user_id;
