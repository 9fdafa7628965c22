-- The danh mục tài liệu giao nhận of an accession: its lines as a JSON array, written and read
-- whole with the accession (they are printed, never queried one by one).

ALTER TABLE accessions ADD COLUMN items TEXT;
