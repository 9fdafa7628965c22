-- Số hóa: lô số hóa, their hồ sơ in priority order, the masters as scanned, their pages with
-- checks and OCR, the signed PDF/A renditions, and the job queue the workers drain.
-- Bytes live in the blob store; rows hold SHA-256 names only. The old, never-used `pages`
-- placeholder of 0001 is replaced by `scan_pages`.

DROP TABLE pages;

CREATE TABLE scan_batches (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES units (id),
    name TEXT NOT NULL,
    -- 'text' (văn bản hành chính, ≥ 200 dpi), 'colour' (original in colour: ≥ 24-bit),
    -- 'map' (bản đồ, bản vẽ: ≥ 300 dpi and colour)
    original_kind TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT {now}
);

-- A hồ sơ belongs to at most one batch. `rank` and `reason` are the plan's priority as computed;
-- an operator's `override_rank` wins, with who and why.
CREATE TABLE batch_dossiers (
    batch_id BIGINT NOT NULL REFERENCES scan_batches (id),
    dossier_id BIGINT NOT NULL UNIQUE REFERENCES dossiers (id),
    rank BIGINT NOT NULL,
    reason TEXT NOT NULL,
    frequent_use BIGINT NOT NULL DEFAULT 0,
    override_rank BIGINT,
    override_reason TEXT,
    override_by TEXT,
    PRIMARY KEY (batch_id, dossier_id)
);

-- A master: the file as the scanner wrote it, kept untouched. `ordinal` is the văn bản's STT
-- from the TT05 name <mã hồ sơ>.<STT>; NULL when the file is the whole hồ sơ. A later file for
-- the same hồ sơ and STT (a re-scan) replaces it: `replaced_by` names the newer one.
CREATE TABLE scan_files (
    id {id},
    batch_id BIGINT NOT NULL REFERENCES scan_batches (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    ordinal BIGINT,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob TEXT NOT NULL,
    sealed BIGINT NOT NULL,
    page_count BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL DEFAULT {now},
    replaced_by BIGINT REFERENCES scan_files (id),
    UNIQUE (dossier_id, sha256)
);
CREATE INDEX scan_files_batch ON scan_files (batch_id);

-- One row per page of a master. state: 'waiting' (not yet checked), 'rescan' (a check failed:
-- `problems` says why), 'done' (checked and read). OCR text is NFC, kept for search; word boxes
-- are a blob (TSV).
CREATE TABLE scan_pages (
    id {id},
    file_id BIGINT NOT NULL REFERENCES scan_files (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    page_no BIGINT NOT NULL,
    state TEXT NOT NULL,
    width BIGINT,
    height BIGINT,
    dpi BIGINT,
    colour BIGINT,
    skew_centidegrees BIGINT,
    problems TEXT,
    ocr_text TEXT,
    ocr_confidence BIGINT,
    words_blob TEXT,
    image_blob TEXT,
    UNIQUE (file_id, page_no)
);
CREATE INDEX scan_pages_dossier ON scan_pages (dossier_id, state);

-- The output: a two-layer PDF/A per hồ sơ, or per văn bản when the hồ sơ was scanned by STT.
CREATE TABLE renditions (
    id {id},
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    ordinal BIGINT,
    file_name TEXT NOT NULL,
    standard TEXT NOT NULL,
    pages BIGINT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob TEXT NOT NULL,
    signed BIGINT NOT NULL,
    created_at TEXT NOT NULL DEFAULT {now}
);
CREATE UNIQUE INDEX renditions_part ON renditions (dossier_id, file_name);

-- The queue. A worker claims a job by setting `worker` and a lease; a job whose lease ran out
-- (its worker died) is claimed again. Finishing checks the claim, so a late, superseded worker
-- changes nothing. `kind` + `subject_id` is unique: enqueueing twice re-queues, never duplicates.
CREATE TABLE jobs (
    id {id},
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    batch_id BIGINT,
    priority BIGINT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    worker TEXT,
    lease_until BIGINT,
    error TEXT,
    created_at TEXT NOT NULL DEFAULT {now},
    finished_at TEXT,
    UNIQUE (kind, subject_id)
);
CREATE INDEX jobs_ready ON jobs (state, priority, id);
CREATE INDEX jobs_batch ON jobs (batch_id, state);

-- Fixity runs of `kho verify`: resumable after the last blob checked.
CREATE TABLE fixity_runs (
    id {id},
    started_at TEXT NOT NULL DEFAULT {now},
    finished_at TEXT,
    last_blob TEXT,
    checked BIGINT NOT NULL DEFAULT 0,
    missing BIGINT NOT NULL DEFAULT 0,
    corrupt BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE fixity_failures (
    run_id BIGINT NOT NULL REFERENCES fixity_runs (id),
    blob TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (run_id, blob)
);
