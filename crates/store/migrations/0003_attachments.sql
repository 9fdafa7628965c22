-- Files attached to a hồ sơ (scans, born-digital originals). Bytes live in the blob store under
-- `blob`; `sha256` is the content's own hash (fixity); `sealed` = encrypted at rest.

CREATE TABLE attachments (
    id {id},
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob TEXT NOT NULL,
    sealed BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL DEFAULT {now}
);
CREATE INDEX attachments_dossier ON attachments (dossier_id);
