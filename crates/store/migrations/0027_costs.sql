-- Định mức, dự toán, kinh phí (issue 18): the norms changed from Kho's defaults (a norm not here
-- keeps its default), the complexity of each unit's papers for chỉnh lý (a unit not here is of
-- mixed complexity), and the budget lines: allocated to the plan by the yearly decision, or spent,
-- for one unit or (unit_id NULL) for the province as a whole, each with the document it rests on.
CREATE TABLE cost_norms (
    code TEXT PRIMARY KEY,
    value BIGINT NOT NULL,
    source TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT {now}
);

CREATE TABLE unit_complexity (
    unit_id BIGINT PRIMARY KEY REFERENCES units (id),
    complexity TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT {now}
);

CREATE TABLE budget_lines (
    id {id},
    unit_id BIGINT REFERENCES units (id),
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    source TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL DEFAULT {now}
);
CREATE INDEX budget_lines_unit ON budget_lines (unit_id, year);
