-- A page carries its batch, and the pages of a replaced master say so (state 'replaced'): a
-- batch's progress and re-scan queue are then read from its own pages through one index, and
-- finishing a page counts only its hồ sơ's, however many pages the province holds.
ALTER TABLE scan_pages ADD COLUMN batch_id BIGINT REFERENCES scan_batches (id);
UPDATE scan_pages SET batch_id = (SELECT batch_id FROM scan_files WHERE scan_files.id = scan_pages.file_id);
UPDATE scan_pages SET state = 'replaced' WHERE file_id IN (SELECT id FROM scan_files WHERE replaced_by IS NOT NULL);
CREATE INDEX scan_pages_batch ON scan_pages (batch_id, dossier_id, state);
