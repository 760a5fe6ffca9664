-- No query reads user_attribute_snapshot by updated_at, yet every event update wrote a new entry into
-- idx_snapshot_updated, and an indexed column that changes on every update rules heap-only (HOT) updates
-- out. Without the index, an update that finds room on its row's page (left there by earlier updates once
-- vacuumed) rewrites the row in place of touching any index. Measured on 1,000-event batches at 1,000,000
-- users with the table also at fillfactor 80: the statement's backend CPU -9%, its WAL 327 KB -> 196 KB
-- (3,018 -> 1,000 records). The fillfactor is left at its default here: it would make a freshly loaded
-- table a quarter larger, and so every full read of it (the full recompute) longer, which was not measured.
DROP INDEX idx_snapshot_updated;
