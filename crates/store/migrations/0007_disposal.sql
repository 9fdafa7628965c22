-- Hủy tài liệu hết giá trị (TT 06/2025/TT-BNV): the danh mục, its trail, its hồ sơ.
-- Hồ sơ are never deleted: `dossiers.disposal` marks them 'xem_xet_huy' or 'da_huy'.

CREATE TABLE disposal_lists (
    id {id},
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    title TEXT NOT NULL,
    explanation TEXT NOT NULL,
    stage TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT {now},
    council TEXT,
    council_on TEXT,
    appraisal_body TEXT,
    appraisal_ref TEXT,
    appraisal_on TEXT,
    decision_ref TEXT,
    decision_on TEXT,
    decided_by TEXT,
    destroyed_on TEXT,
    destroyed_by TEXT
);

CREATE TABLE disposal_items (
    list_id BIGINT NOT NULL REFERENCES disposal_lists (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    reason TEXT NOT NULL,
    PRIMARY KEY (list_id, dossier_id)
);

ALTER TABLE dossiers ADD COLUMN disposal TEXT;
