-- The mã hồ sơ is composed from parts stored beside it (year, số ký hiệu as the archive wrote
-- it, mục lục số); two hồ sơ of one year may share a số ký hiệu (a warning at import), so it no
-- longer identifies a hồ sơ: within its mục lục, the hồ sơ số does. file_code and doc_code lose
-- their UNIQUE constraint; a code 07 retention keeps its years.
ALTER TABLE dossiers DROP CONSTRAINT dossiers_file_code_key;
ALTER TABLE dossiers ADD COLUMN maintenance_years BIGINT;
CREATE INDEX dossiers_file_code ON dossiers (file_code);
ALTER TABLE documents DROP CONSTRAINT documents_doc_code_key;
CREATE INDEX documents_doc_code ON documents (doc_code);
