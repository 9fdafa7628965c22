-- What each fonds holds is kept as it changes, not counted per request: hồ sơ, hồ sơ destroyed
-- and văn bản, per fonds, per what visibility decides on (classification and mode), as
-- `batch_tallies` keeps a batch, and per month the hồ sơ were described (Vietnam time), which
-- dates the burn-up of description and the year's figures of the report. Tổng quan and the reports read these few rows instead of
-- scanning a million văn bản. The triggers are written once, in SQLite's spelling; PostgreSQL
-- gets each as a function and a trigger (`Backend::dialect`). Here the counts start from what
-- the catalogue holds.
CREATE TABLE fonds_tallies (
    fonds_id BIGINT NOT NULL REFERENCES fonds (id),
    classification BIGINT NOT NULL,
    mode TEXT NOT NULL,
    month TEXT NOT NULL,
    dossiers BIGINT NOT NULL,
    destroyed BIGINT NOT NULL,
    documents BIGINT NOT NULL,
    PRIMARY KEY (fonds_id, classification, mode, month)
);

INSERT INTO fonds_tallies
SELECT d.fonds_id, d.classification, d.mode, {vn_month:d.created_at}, COUNT(*), SUM(CASE WHEN d.disposal = 'da_huy' THEN 1 ELSE 0 END),
       COALESCE(SUM(v.n), 0)
FROM dossiers d LEFT JOIN (SELECT dossier_id, COUNT(*) AS n FROM documents GROUP BY dossier_id) v ON v.dossier_id = d.id
GROUP BY d.fonds_id, d.classification, d.mode, {vn_month:d.created_at};

-- A hồ sơ counts where its fonds, classification and mode put it.
CREATE TRIGGER dossiers_fonds_tally_insert AFTER INSERT ON dossiers
BEGIN
    INSERT INTO fonds_tallies (fonds_id, classification, mode, month, dossiers, destroyed, documents)
    VALUES (NEW.fonds_id, NEW.classification, NEW.mode, {vn_month:NEW.created_at}, 1, CASE WHEN NEW.disposal = 'da_huy' THEN 1 ELSE 0 END, 0)
    ON CONFLICT (fonds_id, classification, mode, month) DO UPDATE SET
        dossiers = fonds_tallies.dossiers + 1, destroyed = fonds_tallies.destroyed + excluded.destroyed;
END;

-- Moved, reclassified, given another mode or destroyed: its counts leave the old row for the new.
CREATE TRIGGER dossiers_fonds_tally_update AFTER UPDATE OF fonds_id, classification, mode, disposal ON dossiers
WHEN OLD.fonds_id <> NEW.fonds_id OR OLD.classification <> NEW.classification OR OLD.mode <> NEW.mode
    OR COALESCE(OLD.disposal, '') <> COALESCE(NEW.disposal, '')
BEGIN
    UPDATE fonds_tallies SET
        dossiers = dossiers - 1,
        destroyed = destroyed - (CASE WHEN OLD.disposal = 'da_huy' THEN 1 ELSE 0 END),
        documents = documents - (SELECT COUNT(*) FROM documents WHERE dossier_id = OLD.id)
    WHERE fonds_id = OLD.fonds_id AND classification = OLD.classification AND mode = OLD.mode AND month = {vn_month:OLD.created_at};
    INSERT INTO fonds_tallies (fonds_id, classification, mode, month, dossiers, destroyed, documents)
    SELECT NEW.fonds_id, NEW.classification, NEW.mode, {vn_month:NEW.created_at}, 1, CASE WHEN NEW.disposal = 'da_huy' THEN 1 ELSE 0 END, COUNT(*)
    FROM documents WHERE dossier_id = NEW.id
    ON CONFLICT (fonds_id, classification, mode, month) DO UPDATE SET
        dossiers = fonds_tallies.dossiers + 1, destroyed = fonds_tallies.destroyed + excluded.destroyed,
        documents = fonds_tallies.documents + excluded.documents;
END;

CREATE TRIGGER dossiers_fonds_tally_delete AFTER DELETE ON dossiers
BEGIN
    UPDATE fonds_tallies SET
        dossiers = dossiers - 1,
        destroyed = destroyed - (CASE WHEN OLD.disposal = 'da_huy' THEN 1 ELSE 0 END)
    WHERE fonds_id = OLD.fonds_id AND classification = OLD.classification AND mode = OLD.mode AND month = {vn_month:OLD.created_at};
END;

-- A văn bản counts where its hồ sơ counts.
CREATE TRIGGER documents_fonds_tally_insert AFTER INSERT ON documents
BEGIN
    UPDATE fonds_tallies SET documents = fonds_tallies.documents + 1
    FROM dossiers d
    WHERE d.id = NEW.dossier_id AND fonds_tallies.fonds_id = d.fonds_id AND fonds_tallies.classification = d.classification
      AND fonds_tallies.mode = d.mode AND fonds_tallies.month = {vn_month:d.created_at};
END;

CREATE TRIGGER documents_fonds_tally_delete AFTER DELETE ON documents
BEGIN
    UPDATE fonds_tallies SET documents = fonds_tallies.documents - 1
    FROM dossiers d
    WHERE d.id = OLD.dossier_id AND fonds_tallies.fonds_id = d.fonds_id AND fonds_tallies.classification = d.classification
      AND fonds_tallies.mode = d.mode AND fonds_tallies.month = {vn_month:d.created_at};
END;

CREATE TRIGGER documents_fonds_tally_move AFTER UPDATE OF dossier_id ON documents
WHEN OLD.dossier_id <> NEW.dossier_id
BEGIN
    UPDATE fonds_tallies SET documents = fonds_tallies.documents - 1
    FROM dossiers d
    WHERE d.id = OLD.dossier_id AND fonds_tallies.fonds_id = d.fonds_id AND fonds_tallies.classification = d.classification
      AND fonds_tallies.mode = d.mode AND fonds_tallies.month = {vn_month:d.created_at};
    UPDATE fonds_tallies SET documents = fonds_tallies.documents + 1
    FROM dossiers d
    WHERE d.id = NEW.dossier_id AND fonds_tallies.fonds_id = d.fonds_id AND fonds_tallies.classification = d.classification
      AND fonds_tallies.mode = d.mode AND fonds_tallies.month = {vn_month:d.created_at};
END;

-- The year's signed copies are read by their day.
CREATE INDEX renditions_created ON renditions (created_at);
