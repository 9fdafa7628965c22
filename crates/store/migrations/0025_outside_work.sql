-- Work done outside Kho — before Kho was used, or recorded by another system — entered against a
-- unit and a stage of the plan with the document that attests it, who entered it and when. Kept
-- apart from what Kho derives from its own records: reports show it as its own section.
CREATE TABLE outside_work (
    id {id},
    unit_id BIGINT NOT NULL REFERENCES units (id),
    stage TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    done_on TEXT NOT NULL,
    source TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL DEFAULT {now}
);
CREATE INDEX outside_work_unit ON outside_work (unit_id, done_on);
