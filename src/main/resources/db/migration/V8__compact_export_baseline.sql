-- The baseline of diff exports, kept compact (issue 4): instead of one row per (segment, destination,
-- member), the members of each range of 4096 ids (chunk = user_id >> 12) in one sorted smallint[] of
-- offsets in the range (user_id = (chunk << 12) + offset, offset = user_id & 4095): 2 bytes a member.
-- An export compares the current members, grouped the same way, with the stored chunks and rewrites
-- only the chunks that differ (none when nothing changed); the differences themselves are computed
-- only inside those chunks. The key (segment, destination, chunk) is a range of user ids, so the
-- table can later be distributed by segment or by user id like the memberships.
CREATE TABLE export_baseline_chunk (
    segment_id     BIGINT   NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    destination_id BIGINT   NOT NULL REFERENCES export_destination (id) ON DELETE CASCADE,
    chunk          BIGINT   NOT NULL,
    -- sorted, distinct, 0..4095, never empty (a chunk without members has no row)
    offsets        SMALLINT[] NOT NULL CHECK (cardinality(offsets) > 0),
    PRIMARY KEY (segment_id, destination_id, chunk)
);
-- read and compared on every export: stored out of line, uncompressed
ALTER TABLE export_baseline_chunk ALTER COLUMN offsets SET STORAGE EXTERNAL;

INSERT INTO export_baseline_chunk (segment_id, destination_id, chunk, offsets)
SELECT segment_id, destination_id, user_id >> 12, array_agg((user_id & 4095)::smallint ORDER BY user_id)
FROM export_baseline GROUP BY segment_id, destination_id, user_id >> 12;

DROP TABLE export_baseline;

-- The offsets of a that are not in b (either may be NULL: none); used on one chunk at a time.
CREATE FUNCTION export_offsets_minus(a SMALLINT[], b SMALLINT[]) RETURNS SETOF SMALLINT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT u FROM unnest(a) u WHERE b IS NULL
    UNION ALL
    (SELECT u FROM unnest(a) u WHERE b IS NOT NULL EXCEPT ALL SELECT v FROM unnest(b) v)
$$;
