-- Every running app instance reports here (segments.instances.heartbeat); an instance silent for
-- segments.instances.dead-after is taken for stopped, and the compute jobs it owned are taken over:
-- full computes are run again by a live instance, incremental job rows are marked failed (their
-- users' dirty flags were never lost: a batch's claim commits together with its writes).
CREATE TABLE app_instance (
    id           UUID PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The instance that queued or took over the job; NULL (jobs from before V12) counts as stopped.
ALTER TABLE segment_compute_job ADD COLUMN owner UUID;
