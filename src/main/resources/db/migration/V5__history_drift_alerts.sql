-- Membership history, the per-segment changes feed, drift alerts.

-- The changes feed orders a segment's joins and leaves by (feed_key, id) and serves only rows whose
-- feed_key is older than the oldest transaction still running (pg_snapshot_xmin), so a row that
-- commits later can never sort before a row already served (see membership/ChangeFeed.java).
-- feed_key is the writing transaction's id, raised to the key of the previous change of the same
-- (segment, user) when that one is larger: a transaction that got its id early but waited for the
-- membership row's lock still sorts after the change it waited for.
-- Both columns get a constant default first (no table rewrite; existing rows, long committed, get
-- key 1), then the writer's transaction id as the default for rows written by hand.
ALTER TABLE segment_membership ADD COLUMN feed_key xid8 NOT NULL DEFAULT '1';
ALTER TABLE segment_membership ALTER COLUMN feed_key SET DEFAULT pg_current_xact_id();
ALTER TABLE membership_event ADD COLUMN feed_key xid8 NOT NULL DEFAULT '1';
ALTER TABLE membership_event ALTER COLUMN feed_key SET DEFAULT pg_current_xact_id();

-- Serves the feed and the segment history; replaces the (segment_id, id) index, so writes of
-- membership_event still maintain two indexes.
DROP INDEX idx_membership_event_segment;
CREATE INDEX idx_membership_event_feed ON membership_event (segment_id, feed_key, id);

-- Drift alert thresholds, one row per segment, created with the segment: the column defaults are
-- the defaults every new segment is watched with.
CREATE TABLE segment_alert_settings (
    segment_id         BIGINT PRIMARY KEY REFERENCES segment (id) ON DELETE CASCADE,
    -- relative change of the member count between two consecutive computes (0.5 = ±50%); NULL: off
    relative_change    NUMERIC(9, 4) DEFAULT 0.5 CHECK (relative_change > 0),
    -- the relative check applies only when the previous count is at least this
    min_previous_count BIGINT NOT NULL DEFAULT 100 CHECK (min_previous_count >= 0),
    -- a compute finding no member when the previous one found some
    on_zero            BOOLEAN NOT NULL DEFAULT TRUE,
    -- no completed compute for longer than this; NULL: off
    stale_after        INTERVAL DEFAULT interval '48 hours',
    -- where tripped alerts are sent (a webhook destination), NULL: only listed
    destination_id     BIGINT,
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE FUNCTION segment_alert_settings_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO segment_alert_settings (segment_id) VALUES (NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER segment_alert_settings_create AFTER INSERT ON segment
    FOR EACH ROW EXECUTE FUNCTION segment_alert_settings_create();
INSERT INTO segment_alert_settings (segment_id) SELECT id FROM segment;

-- Tripped alerts. An alert stays "ongoing" (cleared_at NULL) while its condition holds; the partial
-- unique index keeps one ongoing alert per segment and kind, so a condition that persists over
-- many computes (or is checked by two instances at once) opens one alert, not many.
CREATE TABLE segment_alert (
    id              BIGSERIAL PRIMARY KEY,
    segment_id      BIGINT NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    kind            VARCHAR(16) NOT NULL CHECK (kind IN ('relative_change', 'zero', 'stale')),
    job_id          BIGINT,
    previous_count  BIGINT,
    member_count    BIGINT,
    detail          TEXT NOT NULL,
    opened_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    cleared_at      TIMESTAMPTZ,
    acknowledged_at TIMESTAMPTZ,
    destination_id  BIGINT,
    notified_at     TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_alert_ongoing ON segment_alert (segment_id, kind) WHERE cleared_at IS NULL;
CREATE INDEX idx_alert_unacknowledged ON segment_alert (id) WHERE acknowledged_at IS NULL;
CREATE INDEX idx_alert_segment ON segment_alert (segment_id, id);
CREATE INDEX idx_alert_unnotified ON segment_alert (id) WHERE notified_at IS NULL AND destination_id IS NOT NULL;

-- Evaluates the alert thresholds when a compute job completes, in the job's own transaction: every
-- path that completes jobs (full computes, the single-read sweep, incremental passes) is covered,
-- and a crash cannot complete a job without its evaluation.
CREATE FUNCTION segment_alert_evaluate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cfg      segment_alert_settings%ROWTYPE;
    previous BIGINT;
    ratio    NUMERIC;
BEGIN
    SELECT * INTO cfg FROM segment_alert_settings WHERE segment_id = NEW.segment_id;
    IF NOT FOUND OR NEW.member_count IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE segment_alert SET cleared_at = now()
    WHERE segment_id = NEW.segment_id AND kind = 'stale' AND cleared_at IS NULL;

    SELECT j.member_count INTO previous FROM segment_compute_job j
    WHERE j.segment_id = NEW.segment_id AND j.id < NEW.id AND j.status = 'completed' AND j.member_count IS NOT NULL
    ORDER BY j.id DESC LIMIT 1;
    IF previous IS NULL THEN
        RETURN NULL;
    END IF;

    IF cfg.on_zero AND NEW.member_count = 0 AND previous > 0 THEN
        INSERT INTO segment_alert (segment_id, kind, job_id, previous_count, member_count, detail, destination_id)
        VALUES (NEW.segment_id, 'zero', NEW.id, previous, 0,
                format('member count dropped from %s to 0 (job %s)', previous, NEW.id), cfg.destination_id)
        ON CONFLICT (segment_id, kind) WHERE cleared_at IS NULL DO NOTHING;
    ELSIF NEW.member_count > 0 THEN
        UPDATE segment_alert SET cleared_at = now()
        WHERE segment_id = NEW.segment_id AND kind = 'zero' AND cleared_at IS NULL;
    END IF;

    ratio := CASE WHEN previous > 0 THEN abs(NEW.member_count - previous)::numeric / previous END;
    -- a drop to zero is reported once, as 'zero', when that check is on
    IF cfg.relative_change IS NOT NULL AND previous >= cfg.min_previous_count AND ratio >= cfg.relative_change
       AND NOT (cfg.on_zero AND NEW.member_count = 0) THEN
        INSERT INTO segment_alert (segment_id, kind, job_id, previous_count, member_count, detail, destination_id)
        VALUES (NEW.segment_id, 'relative_change', NEW.id, previous, NEW.member_count,
                format('member count changed by %s%% from %s to %s (job %s; threshold ±%s%%)',
                       round((NEW.member_count - previous) * 100.0 / previous, 1), previous, NEW.member_count,
                       NEW.id, round(cfg.relative_change * 100, 1)), cfg.destination_id)
        ON CONFLICT (segment_id, kind) WHERE cleared_at IS NULL DO NOTHING;
    ELSE
        UPDATE segment_alert SET cleared_at = now()
        WHERE segment_id = NEW.segment_id AND kind = 'relative_change' AND cleared_at IS NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER segment_alert_evaluate AFTER UPDATE OF status ON segment_compute_job
    FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed')
    EXECUTE FUNCTION segment_alert_evaluate();

-- The staleness check runs on one instance at a time (see DriftSchedule).
INSERT INTO scheduled_run (name, last_run_at) VALUES ('alert_stale_check', '-infinity');
