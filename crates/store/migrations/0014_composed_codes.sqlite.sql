-- The mã hồ sơ is composed from parts stored beside it (year, số ký hiệu as the archive wrote
-- it, mục lục số); two hồ sơ of one year may share a số ký hiệu (a warning at import), so it no
-- longer identifies a hồ sơ: within its mục lục, the hồ sơ số does. file_code and doc_code lose
-- their UNIQUE constraint; a code 07 retention keeps its years. SQLite cannot drop a constraint,
-- so both tables are rebuilt with their ids (run with foreign keys off, checked before commit).
-- kho:foreign-keys-off

CREATE TABLE dossiers_rebuilt (
    id {id},
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    inventory_id BIGINT NOT NULL REFERENCES inventories (id),
    number BIGINT,
    box_id BIGINT REFERENCES boxes (id),
    file_code TEXT NOT NULL,
    notation TEXT NOT NULL,
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    maintenance TEXT NOT NULL,
    maintenance_years BIGINT,
    mode TEXT NOT NULL,
    language TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    keyword TEXT,
    total_doc BIGINT NOT NULL,
    number_of_paper BIGINT,
    number_of_page BIGINT NOT NULL,
    format TEXT,
    infor_sign TEXT,
    confidence_level TEXT,
    paper_file_code TEXT,
    risk_recovery BIGINT NOT NULL,
    risk_recovery_status TEXT,
    description TEXT,
    classification BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT {now},
    updated_at TEXT NOT NULL DEFAULT {now},
    disposal TEXT,
    temp_number BIGINT,
    scheme_group TEXT,
    UNIQUE (inventory_id, number)
);
INSERT INTO dossiers_rebuilt (id, fonds_id, inventory_id, number, box_id, file_code, notation, year, title, title_folded, maintenance,
    mode, language, start_date, end_date, keyword, total_doc, number_of_paper, number_of_page, format, infor_sign, confidence_level,
    paper_file_code, risk_recovery, risk_recovery_status, description, classification, created_at, updated_at, disposal, temp_number,
    scheme_group)
SELECT id, fonds_id, inventory_id, number, box_id, file_code, notation, year, title, title_folded, maintenance,
    mode, language, start_date, end_date, keyword, total_doc, number_of_paper, number_of_page, format, infor_sign, confidence_level,
    paper_file_code, risk_recovery, risk_recovery_status, description, classification, created_at, updated_at, disposal, temp_number,
    scheme_group FROM dossiers;
DROP TABLE dossiers;
ALTER TABLE dossiers_rebuilt RENAME TO dossiers;
CREATE INDEX dossiers_inventory ON dossiers (inventory_id, number, id);
CREATE INDEX dossiers_fonds ON dossiers (fonds_id);
CREATE INDEX dossiers_file_code ON dossiers (file_code);

CREATE TABLE documents_rebuilt (
    id {id},
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    doc_ordinal BIGINT NOT NULL,
    doc_code TEXT NOT NULL,
    type_name TEXT NOT NULL,
    code_number TEXT,
    code_notation TEXT,
    issued_date TEXT NOT NULL,
    organ_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    subject_folded TEXT NOT NULL,
    language TEXT NOT NULL,
    number_of_page BIGINT NOT NULL,
    infor_sign TEXT,
    keyword TEXT,
    mode TEXT NOT NULL,
    confidence_level TEXT,
    autograph TEXT,
    format TEXT,
    process BIGINT,
    description TEXT,
    classification BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT {now},
    updated_at TEXT NOT NULL DEFAULT {now},
    UNIQUE (dossier_id, doc_ordinal)
);
INSERT INTO documents_rebuilt SELECT id, dossier_id, doc_ordinal, doc_code, type_name, code_number, code_notation, issued_date,
    organ_name, subject, subject_folded, language, number_of_page, infor_sign, keyword, mode, confidence_level, autograph, format,
    process, description, classification, created_at, updated_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_rebuilt RENAME TO documents;
CREATE INDEX documents_doc_code ON documents (doc_code);
