-- Fixity of each copy: with a second copy kept in step, a blob may be missing or damaged in one
-- copy and mended from the other (or from a backup). Each finding says which copy, what was
-- wrong, and what mended it; a run counts what it mended and says who started it (the command
-- line, or the server's daily slice).
CREATE TABLE fixity_findings (
    run_id BIGINT NOT NULL REFERENCES fixity_runs (id),
    blob TEXT NOT NULL,
    copy TEXT NOT NULL,
    outcome TEXT NOT NULL,
    mended_from TEXT,
    found_at TEXT NOT NULL DEFAULT {now},
    PRIMARY KEY (run_id, blob, copy)
);
INSERT INTO fixity_findings (run_id, blob, copy, outcome) SELECT run_id, blob, 'primary', outcome FROM fixity_failures;
DROP TABLE fixity_failures;
ALTER TABLE fixity_runs ADD COLUMN repaired BIGINT NOT NULL DEFAULT 0;
ALTER TABLE fixity_runs ADD COLUMN copies BIGINT NOT NULL DEFAULT 1;
ALTER TABLE fixity_runs ADD COLUMN started_by TEXT NOT NULL DEFAULT 'lenh';
-- The server's daily slice: claimed by one server a day, however many share the catalogue.
CREATE TABLE fixity_schedule (
    id BIGINT PRIMARY KEY,
    last_slice_at TEXT
);
INSERT INTO fixity_schedule (id, last_slice_at) VALUES (1, NULL);
