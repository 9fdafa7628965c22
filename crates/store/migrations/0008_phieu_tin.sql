-- Phiếu tin: a hồ sơ's temporary number while arranged, and its group in the phương án phân loại.

ALTER TABLE dossiers ADD COLUMN temp_number BIGINT;
ALTER TABLE dossiers ADD COLUMN scheme_group TEXT;
