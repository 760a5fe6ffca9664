-- Destinations, exports of segment members to them, and subscriptions that push an export after each
-- completed compute of a segment.

CREATE TABLE export_destination (
    id           BIGSERIAL PRIMARY KEY,
    name         VARCHAR(255) NOT NULL UNIQUE,
    kind         VARCHAR(16)  NOT NULL CHECK (kind IN ('directory', 'webhook')),
    path         TEXT,
    url          TEXT,
    -- the webhook signing key (whsec_<base64>): needed to sign, so kept; never shown after creation
    secret       TEXT,
    -- webhook delivery settings (NULL for directories)
    batch_size   INT,
    timeout_ms   INT,
    max_attempts INT,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK ((kind = 'directory' AND path IS NOT NULL) OR (kind = 'webhook' AND url IS NOT NULL AND secret IS NOT NULL
                                                      AND batch_size > 0 AND timeout_ms > 0 AND max_attempts > 0))
);

CREATE TABLE segment_export (
    id             BIGSERIAL PRIMARY KEY,
    segment_id     BIGINT      NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    destination_id BIGINT      NOT NULL REFERENCES export_destination (id) ON DELETE CASCADE,
    format         VARCHAR(8)  NOT NULL CHECK (format IN ('csv', 'json', 'ndjson')),
    mode           VARCHAR(8)  NOT NULL CHECK (mode IN ('full', 'diff')),
    status         VARCHAR(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    triggered_by   VARCHAR(16) NOT NULL CHECK (triggered_by IN ('manual', 'subscription')),
    compute_job_id BIGINT,
    attempts       INT         NOT NULL DEFAULT 0,
    -- webhook deliveries: the items to send are staged once (export_item); batches_sent and
    -- sent_through (last user id acknowledged) let a retry resume with the same batch ids and contents
    staged         BOOLEAN     NOT NULL DEFAULT FALSE,
    total_count    BIGINT,
    entered_count  BIGINT,
    left_count     BIGINT,
    sent_count     BIGINT      NOT NULL DEFAULT 0,
    batches_sent   INT         NOT NULL DEFAULT 0,
    sent_through   BIGINT      NOT NULL DEFAULT 0,
    file_name      TEXT,
    sha256         TEXT,
    error          TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at     TIMESTAMPTZ,
    heartbeat_at   TIMESTAMPTZ,
    completed_at   TIMESTAMPTZ
);
CREATE INDEX idx_export_segment ON segment_export (segment_id, id DESC);
CREATE INDEX idx_export_queued ON segment_export (id) WHERE status IN ('queued', 'running');

-- What a webhook export sends, fixed when it first runs: change is 'member' (full), 'entered' or 'left' (diff).
CREATE TABLE export_item (
    export_id BIGINT      NOT NULL REFERENCES segment_export (id) ON DELETE CASCADE,
    user_id   BIGINT      NOT NULL,
    change    VARCHAR(8)  NOT NULL,
    added_at  TIMESTAMPTZ,
    PRIMARY KEY (export_id, user_id)
);

-- Per segment and destination, the members the destination holds after the exports that succeeded:
-- the base of the next diff export. Only a successful export changes it.
CREATE TABLE export_baseline (
    segment_id     BIGINT NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    destination_id BIGINT NOT NULL REFERENCES export_destination (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL,
    PRIMARY KEY (segment_id, destination_id, user_id)
);

CREATE TABLE segment_subscription (
    segment_id     BIGINT      NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    destination_id BIGINT      NOT NULL REFERENCES export_destination (id) ON DELETE CASCADE,
    format         VARCHAR(8)  NOT NULL CHECK (format IN ('csv', 'json', 'ndjson')),
    mode           VARCHAR(8)  NOT NULL CHECK (mode IN ('full', 'diff')),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (segment_id, destination_id)
);
CREATE INDEX idx_subscription_destination ON segment_subscription (destination_id);

-- Every compute job that completes (full, unchanged full, incremental with changes; whichever code
-- path completes it) queues the subscribed exports in the same transaction: a crash never loses one.
CREATE FUNCTION queue_subscribed_exports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO segment_export (segment_id, destination_id, format, mode, triggered_by, compute_job_id)
    SELECT s.segment_id, s.destination_id, s.format, s.mode, 'subscription', NEW.id
    FROM segment_subscription s WHERE s.segment_id = NEW.segment_id
    ORDER BY s.destination_id;
    RETURN NULL;
END $$;

CREATE TRIGGER compute_job_completed_exports AFTER UPDATE OF status ON segment_compute_job
    FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed')
    EXECUTE FUNCTION queue_subscribed_exports();
