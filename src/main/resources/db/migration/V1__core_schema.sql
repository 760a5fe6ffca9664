-- Core schema of the segmentation engine.
-- User-keyed tables are keyed by user_id first so that they can later be distributed by it (Citus).

CREATE TABLE segment (
    id            BIGSERIAL PRIMARY KEY,
    name          VARCHAR(255) NOT NULL UNIQUE,
    description   TEXT,
    rules         JSONB NOT NULL,
    is_composable BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Which segments a composable segment references (edges of the dependency graph).
CREATE TABLE segment_dependency (
    segment_id BIGINT NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    depends_on BIGINT NOT NULL REFERENCES segment (id),
    PRIMARY KEY (segment_id, depends_on)
);
CREATE INDEX idx_dependency_depends_on ON segment_dependency (depends_on);

-- The attribute -> segments index used by the real-time path.
CREATE TABLE segment_attribute (
    attribute  TEXT   NOT NULL,
    segment_id BIGINT NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    PRIMARY KEY (attribute, segment_id)
);

-- A single row whose version changes with every rule change; every instance compares it with
-- the version of its rule cache, so caches follow changes made by other instances.
CREATE TABLE rule_catalog (
    id      INT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO rule_catalog (id, version) VALUES (1, 1);

CREATE TABLE user_attribute_snapshot (
    user_id         BIGINT PRIMARY KEY,
    attributes      JSONB NOT NULL,
    -- per attribute, the occurred_at (epoch microseconds) of the value applied last, kept for
    -- removed attributes too, so that an older event never overwrites a newer value
    attribute_times JSONB NOT NULL DEFAULT '{}'::jsonb,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_snapshot_updated ON user_attribute_snapshot (updated_at);

-- Users whose attributes changed since the incremental pass last evaluated them.
-- seq changes on every mark: the pass clears a flag only if seq is still the one it read.
CREATE SEQUENCE dirty_user_seq;
CREATE TABLE dirty_user (
    user_id   BIGINT PRIMARY KEY,
    seq       BIGINT NOT NULL,
    marked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE segment_compute_job (
    id              BIGSERIAL PRIMARY KEY,
    segment_id      BIGINT NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    triggered_by    VARCHAR(64) NOT NULL
        CHECK (triggered_by IN ('event', 'schedule', 'manual', 'rule_change')),
    kind            VARCHAR(16) NOT NULL DEFAULT 'full' CHECK (kind IN ('full', 'incremental')),
    status          VARCHAR(16) NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'completed', 'failed')),
    started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at    TIMESTAMPTZ,
    users_evaluated BIGINT,
    added_count     BIGINT,
    removed_count   BIGINT,
    member_count    BIGINT,
    error           TEXT
);
CREATE INDEX idx_job_segment ON segment_compute_job (segment_id, id DESC);
CREATE INDEX idx_job_running ON segment_compute_job (id) WHERE status = 'running';

-- Current membership: one row per (segment, user); a re-join reopens the row.
-- The full story lives in membership_event.
CREATE TABLE segment_membership (
    segment_id BIGINT NOT NULL REFERENCES segment (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    removed_at TIMESTAMPTZ,
    PRIMARY KEY (segment_id, user_id)
);
CREATE INDEX idx_membership_segment ON segment_membership (segment_id, user_id) WHERE removed_at IS NULL;
CREATE INDEX idx_membership_user ON segment_membership (user_id) WHERE removed_at IS NULL;

-- Every join and leave, never overwritten: answers "why is this user in this segment, and since when".
CREATE TABLE membership_event (
    user_id     BIGINT      NOT NULL,
    id          BIGSERIAL   NOT NULL,
    segment_id  BIGINT      NOT NULL,
    kind        VARCHAR(8)  NOT NULL CHECK (kind IN ('join', 'leave')),
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    cause       VARCHAR(8)  NOT NULL CHECK (cause IN ('event', 'job')),
    job_id      BIGINT,
    event_id    TEXT,
    PRIMARY KEY (user_id, id)
);
CREATE INDEX idx_membership_event_segment ON membership_event (segment_id, id);

-- Scheduled work that must run on one instance only: the instance that moves last_run_at on wins.
CREATE TABLE scheduled_run (
    name        VARCHAR(64) PRIMARY KEY,
    last_run_at TIMESTAMPTZ NOT NULL
);
INSERT INTO scheduled_run (name, last_run_at) VALUES ('full_sweep', '-infinity');
