-- Accounts, scope, sessions, API tokens, login throttling and the audit trail.

CREATE TABLE users (
    id {id},
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    clearance BIGINT NOT NULL DEFAULT 0,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT {now},
    password_changed_at TEXT NOT NULL DEFAULT {now}
);

-- Scope: the units a user works for (the province archive means every unit) ...
CREATE TABLE user_units (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (user_id, unit_id)
);

-- ... and fonds assigned directly (contractors).
CREATE TABLE user_fonds (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    PRIMARY KEY (user_id, fonds_id)
);

-- The cookie carries a random secret; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    address TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT {now},
    revoked_at TEXT,
    last_used_at TEXT
);

-- Failed logins per name typed (existing or not, so lockout reveals nothing).
CREATE TABLE login_failures (
    username TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    locked_until TEXT
);

-- Append-only, hash-chained: hash = SHA-256(prev_hash | seq | at | actor | ... ).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id BIGINT,
    outcome TEXT NOT NULL,
    address TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_actor ON audit_log (actor_name, seq);
CREATE INDEX audit_resource ON audit_log (resource_kind, resource_id);
