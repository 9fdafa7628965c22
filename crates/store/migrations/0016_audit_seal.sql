-- The audit trail authenticated: each entry's hash also carries an HMAC under a key kept outside
-- the database, and checkpoints (head, count) are written, so an edited, truncated or
-- recomputed trail is found by `kho audit verify`.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
CREATE TABLE audit_checkpoints (
    id {id},
    at TEXT NOT NULL,
    head_seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    entries BIGINT NOT NULL,
    mac TEXT NOT NULL
);
