-- Chỉnh lý per fonds: khảo sát findings, the phương án phân loại, and the 23 steps.

CREATE TABLE arrangements (
    fonds_id BIGINT PRIMARY KEY REFERENCES fonds (id),
    survey TEXT,
    scheme TEXT,
    updated_at TEXT NOT NULL DEFAULT {now}
);

CREATE TABLE arrangement_steps (
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    step BIGINT NOT NULL,
    status TEXT NOT NULL,
    started_on TEXT,
    finished_on TEXT,
    done_by TEXT,
    note TEXT,
    updated_at TEXT NOT NULL DEFAULT {now},
    PRIMARY KEY (fonds_id, step)
);
