-- The catalogue's ordered log of what the search index must read again: the hồ sơ a write
-- touched (the hồ sơ itself, a văn bản of it, a page read by OCR, its fonds' scope or secrecy).
-- Each `kho serve` keeps its own index and its own place in this log (in the index's commit), so
-- several servers on one PostgreSQL each catch up, and a server restarted goes on where it was.
-- Kept by triggers on every path that writes; the index is derived and may be rebuilt at any time.
CREATE TABLE search_changes (
    id {id},
    dossier_id BIGINT NOT NULL,
    changed_at TEXT NOT NULL DEFAULT {now}
);

CREATE TRIGGER dossiers_search_insert AFTER INSERT ON dossiers
BEGIN
    INSERT INTO search_changes (dossier_id) VALUES (NEW.id);
END;

CREATE TRIGGER dossiers_search_update AFTER UPDATE ON dossiers
BEGIN
    INSERT INTO search_changes (dossier_id) VALUES (NEW.id);
END;

CREATE TRIGGER dossiers_search_delete AFTER DELETE ON dossiers
BEGIN
    INSERT INTO search_changes (dossier_id) VALUES (OLD.id);
END;

CREATE TRIGGER documents_search_insert AFTER INSERT ON documents
BEGIN
    INSERT INTO search_changes (dossier_id) VALUES (NEW.dossier_id);
END;

CREATE TRIGGER documents_search_update AFTER UPDATE ON documents
BEGIN
    INSERT INTO search_changes (dossier_id) VALUES (NEW.dossier_id);
    INSERT INTO search_changes (dossier_id) SELECT OLD.dossier_id WHERE OLD.dossier_id <> NEW.dossier_id;
END;

CREATE TRIGGER documents_search_delete AFTER DELETE ON documents
BEGIN
    INSERT INTO search_changes (dossier_id) VALUES (OLD.dossier_id);
END;

CREATE TRIGGER scan_pages_search_read AFTER UPDATE OF state, ocr_text ON scan_pages
WHEN NEW.state = 'done' OR OLD.state = 'done'
BEGIN
    INSERT INTO search_changes (dossier_id) VALUES (NEW.dossier_id);
END;

CREATE TRIGGER fonds_search_scope AFTER UPDATE OF unit_id, custodian_unit_id, classification ON fonds
BEGIN
    INSERT INTO search_changes (dossier_id) SELECT id FROM dossiers WHERE fonds_id = NEW.id;
END;
