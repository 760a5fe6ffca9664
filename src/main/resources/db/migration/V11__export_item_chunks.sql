-- What a webhook export sends is staged once, at its first run, so that batch n is the same members
-- on every retry (idempotent webhook-id) and a restarted export resumes after the last user id
-- accepted. Issue 4: staged one row per range of 4096 user ids (chunk = user_id >> 12) instead of
-- one row per member, the offsets (user_id & 4095) as sorted smallint[] like export_baseline_chunk.
CREATE TABLE export_item_chunk (
    export_id  BIGINT     NOT NULL REFERENCES segment_export (id) ON DELETE CASCADE,
    chunk      BIGINT     NOT NULL,
    -- full export: the members; diff export: who entered
    members    SMALLINT[] NOT NULL DEFAULT '{}',
    -- full export: the members' join times, in the order of members; diff export: NULL
    added_at   TIMESTAMPTZ[],
    -- diff export: who left
    gone       SMALLINT[] NOT NULL DEFAULT '{}',
    -- cardinality(members) + cardinality(gone): batches are cut without reading the arrays
    item_count INT        NOT NULL CHECK (item_count > 0),
    PRIMARY KEY (export_id, chunk)
);

-- exports staged before this migration keep their items (and their batches)
INSERT INTO export_item_chunk (export_id, chunk, members, added_at, gone, item_count)
SELECT export_id, user_id >> 12,
       coalesce(array_agg((user_id & 4095)::smallint ORDER BY user_id) FILTER (WHERE change <> 'left'), '{}'),
       array_agg(added_at ORDER BY user_id) FILTER (WHERE change = 'member'),
       coalesce(array_agg((user_id & 4095)::smallint ORDER BY user_id) FILTER (WHERE change = 'left'), '{}'),
       count(*)
FROM export_item GROUP BY export_id, user_id >> 12;

DROP TABLE export_item;
