-- Tiếp nhận: transfers of material into custody, with the totals of their biên bản.

CREATE TABLE accessions (
    id {id},
    received_on TEXT NOT NULL,
    giving_unit_id BIGINT NOT NULL REFERENCES units (id),
    receiving_unit_id BIGINT NOT NULL REFERENCES units (id),
    giving_person TEXT NOT NULL,
    giving_position TEXT,
    receiving_person TEXT NOT NULL,
    receiving_position TEXT,
    material TEXT NOT NULL,
    start_year TEXT,
    end_year TEXT,
    bags BIGINT,
    boxes BIGINT,
    dossiers BIGINT,
    metres BIGINT,
    condition TEXT,
    basis TEXT,
    notes TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT {now}
);
CREATE INDEX accessions_giving ON accessions (giving_unit_id);
