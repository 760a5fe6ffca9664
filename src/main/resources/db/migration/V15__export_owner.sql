-- The instance running an export (V12 app_instance). A running export is queued again only once its
-- heartbeat is older than segments.exports.stale-after AND its instance is stopped or no longer runs
-- it: a directory export reports no progress while it writes its file, and its row cannot take
-- heartbeats during the write (its completion updates the row in a repeatable-read transaction,
-- which a concurrent update would make fail), so the owner's liveness tells instead.
-- NULL (exports running before V15) counts as stopped.
ALTER TABLE segment_export ADD COLUMN owner UUID;
