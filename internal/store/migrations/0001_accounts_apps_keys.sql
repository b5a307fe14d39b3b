-- Accounts, sessions, apps and API keys.
-- Times are BIGINT microseconds since the Unix epoch (UTC) on both databases.

CREATE TABLE accounts (
    id            TEXT   NOT NULL PRIMARY KEY,
    name          TEXT   NOT NULL,
    email         TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    lang          TEXT   NOT NULL DEFAULT 'en',
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_email ON accounts (email);

-- Only the SHA-256 of a session token is kept: a copy of this table cannot be
-- used to log in.
CREATE TABLE sessions (
    token_hash   TEXT   NOT NULL PRIMARY KEY,
    account_id   TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE apps (
    id         TEXT   NOT NULL PRIMARY KEY,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    currency   TEXT   NOT NULL,
    timezone   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX apps_account ON apps (account_id, created_at, id);

-- secret_hash is unique across apps: a key is looked up by it alone, before
-- the app is known.
CREATE TABLE api_keys (
    app_id       TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    id           TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    scope        TEXT   NOT NULL CHECK (scope IN ('full', 'ingest')),
    prefix       TEXT   NOT NULL,
    secret_hash  TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    PRIMARY KEY (app_id, id)
);
CREATE UNIQUE INDEX api_keys_secret_hash ON api_keys (secret_hash);
CREATE UNIQUE INDEX api_keys_id ON api_keys (id);

-- Running totals per app, kept in the same transaction as the events that
-- change them, so the connection status never counts rows.
CREATE TABLE app_stats (
    app_id        TEXT   NOT NULL PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
    customers     BIGINT NOT NULL DEFAULT 0,
    purchases     BIGINT NOT NULL DEFAULT 0,
    last_event_at BIGINT
);
