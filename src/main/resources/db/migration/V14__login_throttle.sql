-- Failed logins per user name (exactly as typed, known or not), shared by every instance: after
-- segments.auth.login-failures attempts in a row without a success the name is locked for
-- segments.auth.login-lockout, doubling with every further failure up to login-lockout-max.
-- A successful login deletes the row; a row without attempts for a day is forgotten.
CREATE TABLE login_throttle (
    username     text        PRIMARY KEY,
    failures     integer     NOT NULL,
    locked_until timestamptz,
    last_attempt timestamptz NOT NULL
);

CREATE INDEX login_throttle_last_attempt ON login_throttle (last_attempt);
