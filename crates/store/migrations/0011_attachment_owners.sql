-- A file belongs to a hồ sơ or to a biên bản giao nhận (its signed scan, the giving unit's
-- letter): exactly one owner. SQLite cannot drop a NOT NULL, so the table is rebuilt; ids are
-- kept, and the id counter continues after them.

CREATE TABLE attachments_owned (
    id {id},
    dossier_id BIGINT REFERENCES dossiers (id),
    accession_id BIGINT REFERENCES accessions (id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    blob TEXT NOT NULL,
    sealed BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL DEFAULT {now},
    CHECK ((dossier_id IS NULL) <> (accession_id IS NULL))
);
INSERT INTO attachments_owned (id, dossier_id, file_name, media_type, size, sha256, blob, sealed, uploaded_by, uploaded_at)
    SELECT id, dossier_id, file_name, media_type, size, sha256, blob, sealed, uploaded_by, uploaded_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_owned RENAME TO attachments;
{continue_ids:attachments}
CREATE INDEX attachments_dossier ON attachments (dossier_id);
CREATE INDEX attachments_accession ON attachments (accession_id);
