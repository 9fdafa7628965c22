-- A package received at handover (kho package import, Tiếp nhận › Nhận gói bàn giao): what it
-- held, whose signatures it carried and who received it — written in the transaction that
-- creates its hồ sơ, so that a receipt names exactly what was created. The biên bản bàn giao of
-- a fonds over a period is read from these rows.
CREATE TABLE package_receipts (
    id {id},
    dossier_id BIGINT NOT NULL UNIQUE REFERENCES dossiers (id),
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    objid TEXT NOT NULL,
    kind TEXT NOT NULL,
    documents BIGINT NOT NULL,
    files BIGINT NOT NULL,
    pages BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    signers TEXT NOT NULL,
    received_by TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT {now}
);
CREATE INDEX package_receipts_fonds ON package_receipts (fonds_id, received_at, id);
CREATE INDEX package_receipts_recent ON package_receipts (received_at, id);
