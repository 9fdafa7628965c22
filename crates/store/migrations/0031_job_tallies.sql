-- The queue's counts by batch and state, kept as jobs change rather than counted on every poll:
-- a batch's progress and `kho digitize run` read a handful of rows however many pages a batch
-- has had read (millions, for a district fonds). Jobs of no batch are tallied under batch 0.
CREATE TABLE job_tallies (
    batch_id BIGINT NOT NULL,
    state TEXT NOT NULL,
    jobs BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, state)
);

INSERT INTO job_tallies (batch_id, state, jobs)
    SELECT COALESCE(batch_id, 0), state, COUNT(*) FROM jobs GROUP BY COALESCE(batch_id, 0), state;

CREATE TRIGGER jobs_tally_insert AFTER INSERT ON jobs
BEGIN
    INSERT INTO job_tallies (batch_id, state, jobs) VALUES (COALESCE(NEW.batch_id, 0), NEW.state, 1)
    ON CONFLICT (batch_id, state) DO UPDATE SET jobs = job_tallies.jobs + 1;
END;

CREATE TRIGGER jobs_tally_update AFTER UPDATE OF state, batch_id ON jobs
WHEN OLD.state <> NEW.state OR COALESCE(OLD.batch_id, 0) <> COALESCE(NEW.batch_id, 0)
BEGIN
    UPDATE job_tallies SET jobs = jobs - 1 WHERE batch_id = COALESCE(OLD.batch_id, 0) AND state = OLD.state;
    INSERT INTO job_tallies (batch_id, state, jobs) VALUES (COALESCE(NEW.batch_id, 0), NEW.state, 1)
    ON CONFLICT (batch_id, state) DO UPDATE SET jobs = job_tallies.jobs + 1;
END;

CREATE TRIGGER jobs_tally_delete AFTER DELETE ON jobs
BEGIN
    UPDATE job_tallies SET jobs = jobs - 1 WHERE batch_id = COALESCE(OLD.batch_id, 0) AND state = OLD.state;
END;
