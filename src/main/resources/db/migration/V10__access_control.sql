-- Access control: accounts that log in to the admin UI, API tokens, and browser sessions. Secrets are
-- never stored: passwords as PBKDF2 hashes, tokens and session ids as SHA-256 of 256 random bits, so a
-- copy of the database lets no one in. Sessions live here so any instance serves any session and a
-- logout or a disabled account takes effect on every instance at once.

CREATE TABLE auth_account (
    id            BIGSERIAL PRIMARY KEY,
    username      VARCHAR(64)  NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9._@-]{1,64}$'),
    -- pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>; NULL: cannot log in with a password
    password_hash TEXT,
    role          VARCHAR(8)   NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    disabled      BOOLEAN      NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE auth_token (
    id           BIGSERIAL PRIMARY KEY,
    name         VARCHAR(255) NOT NULL,
    role         VARCHAR(8)   NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    -- the account that created it (NULL once that account is gone); a disabled owner disables the token
    account_id   BIGINT       REFERENCES auth_account (id) ON DELETE SET NULL,
    token_hash   BYTEA        NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

CREATE TABLE auth_session (
    id_hash      BYTEA        PRIMARY KEY CHECK (length(id_hash) = 32),
    account_id   BIGINT       NOT NULL REFERENCES auth_account (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- absolute expiry; the idle expiry is last_seen_at + segments.auth.session-idle
    expires_at   TIMESTAMPTZ  NOT NULL
);

CREATE INDEX auth_session_account ON auth_session (account_id);
CREATE INDEX auth_session_expires ON auth_session (expires_at);
