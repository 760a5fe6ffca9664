-- A dirty flag also carries a copy of its user's segment set (V13), so that the dirty-user pass takes
-- everything it needs to re-evaluate a user from the flag it claims, without looking up the user's
-- user_segment_set row (one index probe per user, about as costly as the claim itself).
--
-- The copy is valid only while no writer other than the flag's holder has changed any segment set:
--     dirty_user.set_epoch = segment_set_epoch.epoch
--         implies  dirty_user.segment_ids = (the user's user_segment_set row).segment_ids
--                  (as a set of segment ids; NULL or empty when the user has no row)
-- at every commit. Writers of segment sets are of two kinds:
--   * those that hold the user's flag while they write (an event marks its users first; the pass
--     deletes the flags it claims; a user's deletion deletes the flag first): an event writes the copy
--     of its users' sets after its membership writes, stamped with the epoch it read in the same
--     statement as the sets it started from;
--   * the others (a full compute of a segment, a segment's deletion) bump the epoch in the
--     transaction that writes, which invalidates every copy stamped before: the pass then looks the
--     set up, as it does for a flag without a copy (set_epoch NULL).
-- A copy stamped with an epoch read before such a writer committed is never taken for current, even
-- when the copy itself already includes that writer's changes: invalidation errs on the safe side.
CREATE TABLE segment_set_epoch (
    id    INT PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL
);
INSERT INTO segment_set_epoch (id, epoch) VALUES (1, 1);

ALTER TABLE dirty_user ADD COLUMN segment_ids BIGINT[], ADD COLUMN set_epoch BIGINT;
