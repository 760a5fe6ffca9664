-- Customers' user ids are strings (1 to 255 characters, as their systems send them). Every user-keyed
-- table keeps its BIGINT user_id (the engine's internal key: compact, fast to join, sort, hash and
-- chunk); this table maps the external ids that are not plain numbers to internal ids.
--
-- The mapping, a bijection between external ids and internal ids:
--   * an external id that is a canonical decimal integer from 1 to 2^62 - 1 ("42"; not "042", "+42",
--     "0" or "4611686018427387904") IS its internal id: numeric callers and the ids stored before this
--     migration need no row here and no lookup, on the way in or out;
--   * every other external id has a row here, with an internal id of 2^62 or more from user_key_seq.
-- So an internal id below 2^62 reads out as its decimal string, and one of 2^62 or more through this
-- table (user_external_id below). Rows are never deleted: a deleted user's history keeps its id, and a
-- user who comes back gets the same internal id.
-- Citus: user_key is looked up by external_id before the user-keyed work starts; it can be distributed
-- by external_id (or be a reference table) while the other tables stay distributed by user_id.
CREATE SEQUENCE user_key_seq MINVALUE 4611686018427387904 START WITH 4611686018427387904;

CREATE TABLE user_key (
    id          BIGINT PRIMARY KEY CHECK (id >= 4611686018427387904),
    external_id TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 255)
);

-- Numeric ids stored before this migration that fall in the allocated range keep their internal id,
-- under their decimal string; the sequence starts after them.
INSERT INTO user_key (id, external_id)
SELECT DISTINCT user_id, user_id::text
FROM (SELECT user_id FROM user_attribute_snapshot WHERE user_id >= 4611686018427387904
      UNION SELECT user_id FROM membership_event WHERE user_id >= 4611686018427387904
      UNION SELECT user_id FROM segment_membership WHERE user_id >= 4611686018427387904) AS big;
SELECT setval('user_key_seq', max(id)) FROM user_key HAVING max(id) IS NOT NULL;

-- The external id of an internal one (NULL for an allocated id without a row, which no writer makes).
CREATE FUNCTION user_external_id(internal BIGINT) RETURNS TEXT
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN internal BETWEEN 1 AND 4611686018427387903 THEN internal::text
                ELSE (SELECT k.external_id FROM user_key k WHERE k.id = internal) END
$$;

-- Events applied with an idempotency key (an explicit event_id, a Segment messageId, a Kafka record's
-- position): a key seen again for the same user is not applied again. Keyed by user first, like every
-- user-keyed table; kept for segments.intake.dedupe-window, then deleted by a scheduled cleanup.
CREATE TABLE applied_event (
    user_id    BIGINT      NOT NULL,
    event_id   TEXT        NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX idx_applied_event_time ON applied_event (applied_at);

INSERT INTO scheduled_run (name, last_run_at) VALUES ('applied_event_cleanup', '-infinity');
