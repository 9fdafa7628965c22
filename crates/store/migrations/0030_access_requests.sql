-- Khai thác (issue 17): a reader's phiếu yêu cầu khai thác, each hồ sơ asked for and what was
-- decided of it (granted until expires_at, or refused with a reason), and every copy or view
-- delivered from it — the delivery log and the reading room's statistics by month.
CREATE TABLE access_requests (
    id {id},
    reader_id BIGINT NOT NULL REFERENCES users (id),
    reader_name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    identity_no TEXT NOT NULL,
    purpose TEXT NOT NULL,
    fee_category TEXT NOT NULL,
    topic TEXT NOT NULL,
    output TEXT NOT NULL,
    days BIGINT NOT NULL,
    submitted_at TEXT NOT NULL DEFAULT {now}
);
CREATE INDEX access_requests_reader ON access_requests (reader_id, id);

CREATE TABLE access_items (
    request_id BIGINT NOT NULL REFERENCES access_requests (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    ordinal BIGINT NOT NULL,
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    expires_at TEXT,
    PRIMARY KEY (request_id, dossier_id)
);
CREATE INDEX access_items_state ON access_items (state, request_id);

CREATE TABLE access_deliveries (
    id {id},
    request_id BIGINT NOT NULL REFERENCES access_requests (id),
    dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
    output TEXT NOT NULL,
    delivered_to TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    delivered_at TEXT NOT NULL DEFAULT {now}
);
CREATE INDEX access_deliveries_request ON access_deliveries (request_id, id);
CREATE INDEX access_deliveries_at ON access_deliveries (delivered_at);
