-- The write path of memberships, measured (README, "Benchmark"): most of a dirty-user pass is spent
-- writing joins and leaves, and most of that was index maintenance and full-page images in the WAL.
--
-- * The partial indexes (WHERE removed_at IS NULL) made every leave and re-join a non-HOT update:
--   a column in an index predicate counts as indexed, so each update wrote new entries into every
--   index. Without them, and with room left on each page (fillfactor), a leave or a re-join is a
--   heap-only update: one page touched instead of three or four. Open memberships are still found
--   through the primary key (by segment) and the user index, filtering removed_at on the row.
-- * The foreign key to segment ran one trigger (a lookup and a row lock) per inserted membership.
--   Memberships are written only under the segment's advisory lock and deleted with their segment by
--   SegmentStore.delete, which the catalog lock orders before any writer of that segment.
DROP INDEX idx_membership_segment;
DROP INDEX idx_membership_user;
CREATE INDEX idx_membership_user ON segment_membership (user_id);
ALTER TABLE segment_membership DROP CONSTRAINT segment_membership_segment_id_fkey;
ALTER TABLE segment_membership SET (fillfactor = 85);
