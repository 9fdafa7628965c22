-- The catalogue: units, the plan, fonds, mục lục, hồ sơ, văn bản, boxes, locations, pages.
-- Written once for both backends: {id} is the identity primary key, {now} the default
-- timestamp (ISO 8601 UTC text). Integers are BIGINT, flags 0/1, dates TT05-sortable text
-- ("YYYY", "YYYY-MM", "YYYY-MM-DD"), metres in hundredths.

CREATE TABLE units (
    id {id},
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    agency_code TEXT UNIQUE,
    old_admin_code TEXT,
    new_admin_code TEXT,
    dissolved_on TEXT,
    successor_id BIGINT REFERENCES units (id),
    created_at TEXT NOT NULL DEFAULT {now}
);

CREATE TABLE plans (
    id {id},
    name TEXT NOT NULL,
    issuer TEXT NOT NULL,
    province TEXT NOT NULL,
    repository TEXT NOT NULL,
    district_bags_stated BIGINT NOT NULL,
    district_metres_stated BIGINT NOT NULL,
    district_deadline TEXT NOT NULL,
    commune_metres_stated BIGINT NOT NULL,
    commune_secret_metres_stated BIGINT NOT NULL,
    commune_deadline TEXT NOT NULL,
    commune_priority_phase TEXT NOT NULL,
    commune_extended_phase TEXT NOT NULL,
    annual_report_day TEXT NOT NULL,
    imported_at TEXT NOT NULL DEFAULT {now}
);

-- Phụ lục I (level 'district') and II (level 'commune'): one row per unit.
CREATE TABLE plan_targets (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    level TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    bags BIGINT,
    metres BIGINT NOT NULL,
    secret_metres BIGINT NOT NULL DEFAULT 0,
    metres_before_rounding BIGINT,
    note TEXT,
    UNIQUE (plan_id, unit_id)
);

-- Phụ lục III.
CREATE TABLE plan_tasks (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    task_group TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    title TEXT NOT NULL,
    product TEXT NOT NULL,
    owner TEXT NOT NULL,
    co_agencies TEXT,
    period TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    recurrence TEXT,
    UNIQUE (plan_id, task_group, ordinal)
);

CREATE TABLE fonds (
    id {id},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    status TEXT NOT NULL,
    history TEXT,
    start_date TEXT,
    end_date TEXT,
    custodian_unit_id BIGINT REFERENCES units (id),
    language TEXT NOT NULL,
    classification BIGINT NOT NULL DEFAULT 0,
    description TEXT,
    created_at TEXT NOT NULL DEFAULT {now},
    updated_at TEXT NOT NULL DEFAULT {now}
);
CREATE INDEX fonds_unit ON fonds (unit_id);

CREATE TABLE inventories (
    id {id},
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    maintenance TEXT,
    description TEXT,
    created_at TEXT NOT NULL DEFAULT {now},
    updated_at TEXT NOT NULL DEFAULT {now},
    UNIQUE (fonds_id, number)
);

-- Kho → giá → khoang → tầng.
CREATE TABLE locations (
    id {id},
    parent_id BIGINT REFERENCES locations (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE boxes (
    id {id},
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    number BIGINT NOT NULL,
    location_id BIGINT REFERENCES locations (id),
    thickness_mm BIGINT,
    UNIQUE (fonds_id, number)
);

CREATE TABLE dossiers (
    id {id},
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    inventory_id BIGINT NOT NULL REFERENCES inventories (id),
    number BIGINT,
    box_id BIGINT REFERENCES boxes (id),
    file_code TEXT NOT NULL UNIQUE,
    notation TEXT NOT NULL,
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    maintenance TEXT NOT NULL,
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
    UNIQUE (inventory_id, number)
);
CREATE INDEX dossiers_inventory ON dossiers (inventory_id, number, id);
CREATE INDEX dossiers_fonds ON dossiers (fonds_id);

CREATE TABLE documents (
    id {id},
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    doc_ordinal BIGINT NOT NULL,
    doc_code TEXT NOT NULL UNIQUE,
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

-- Page bytes live in the blob store, named by their SHA-256; never here.
CREATE TABLE pages (
    id {id},
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    document_id BIGINT REFERENCES documents (id),
    ordinal BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    UNIQUE (dossier_id, ordinal)
);
