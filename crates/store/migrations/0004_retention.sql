-- The retention schedule: replaced whole when an administrator loads a new table.

CREATE TABLE retention_rules (
    id {id},
    position BIGINT NOT NULL,
    source TEXT NOT NULL,
    rule_group TEXT NOT NULL,
    item_no TEXT,
    title TEXT NOT NULL,
    retention TEXT NOT NULL,
    years BIGINT,
    maintenance TEXT NOT NULL,
    confidence TEXT NOT NULL
);
