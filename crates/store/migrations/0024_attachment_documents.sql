-- A file of a hồ sơ may carry one of its văn bản: the files that came with a văn bản received
-- over the trục liên thông (edXML) — its signed PDF, its phụ lục — are kept beside it.
ALTER TABLE attachments ADD COLUMN document_id BIGINT REFERENCES documents (id);
CREATE INDEX attachments_document ON attachments (document_id);
