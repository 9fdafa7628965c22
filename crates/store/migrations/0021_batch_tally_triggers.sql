-- The triggers that keep the tallies of migration 20 in step with every write, in SQLite's
-- spelling; PostgreSQL gets each as a function and a trigger (`Backend::dialect`).

-- A hồ sơ's counts follow its files, pages and renditions.
CREATE TRIGGER scan_files_tally_insert AFTER INSERT ON scan_files WHEN NEW.replaced_by IS NULL
BEGIN
    UPDATE batch_dossiers SET files = files + 1 WHERE batch_id = NEW.batch_id AND dossier_id = NEW.dossier_id;
END;
CREATE TRIGGER scan_files_tally_update AFTER UPDATE OF replaced_by ON scan_files
WHEN (OLD.replaced_by IS NULL) <> (NEW.replaced_by IS NULL)
BEGIN
    UPDATE batch_dossiers SET files = files + (CASE WHEN NEW.replaced_by IS NULL THEN 1 ELSE -1 END)
    WHERE batch_id = NEW.batch_id AND dossier_id = NEW.dossier_id;
END;

CREATE TRIGGER scan_pages_tally_insert AFTER INSERT ON scan_pages
BEGIN
    UPDATE batch_dossiers SET
        pages = pages + (CASE WHEN NEW.state <> 'replaced' THEN 1 ELSE 0 END),
        pages_done = pages_done + (CASE WHEN NEW.state = 'done' THEN 1 ELSE 0 END),
        pages_rescan = pages_rescan + (CASE WHEN NEW.state = 'rescan' THEN 1 ELSE 0 END),
        pages_warned = pages_warned + (CASE WHEN NEW.state <> 'replaced' AND NEW.warnings IS NOT NULL THEN 1 ELSE 0 END)
    WHERE batch_id = NEW.batch_id AND dossier_id = NEW.dossier_id;
END;
CREATE TRIGGER scan_pages_tally_update AFTER UPDATE OF state, warnings ON scan_pages
WHEN OLD.state <> NEW.state OR (OLD.warnings IS NULL) <> (NEW.warnings IS NULL)
BEGIN
    UPDATE batch_dossiers SET
        pages = pages + (CASE WHEN NEW.state <> 'replaced' THEN 1 ELSE 0 END) - (CASE WHEN OLD.state <> 'replaced' THEN 1 ELSE 0 END),
        pages_done = pages_done + (CASE WHEN NEW.state = 'done' THEN 1 ELSE 0 END) - (CASE WHEN OLD.state = 'done' THEN 1 ELSE 0 END),
        pages_rescan = pages_rescan + (CASE WHEN NEW.state = 'rescan' THEN 1 ELSE 0 END) - (CASE WHEN OLD.state = 'rescan' THEN 1 ELSE 0 END),
        pages_warned = pages_warned + (CASE WHEN NEW.state <> 'replaced' AND NEW.warnings IS NOT NULL THEN 1 ELSE 0 END)
            - (CASE WHEN OLD.state <> 'replaced' AND OLD.warnings IS NOT NULL THEN 1 ELSE 0 END)
    WHERE batch_id = NEW.batch_id AND dossier_id = NEW.dossier_id;
END;

CREATE TRIGGER renditions_tally_insert AFTER INSERT ON renditions
BEGIN
    UPDATE batch_dossiers SET renditions = renditions + 1, rendition_pages = rendition_pages + NEW.pages,
        rendition_bytes = rendition_bytes + NEW.size
    WHERE dossier_id = NEW.dossier_id;
END;
CREATE TRIGGER renditions_tally_delete AFTER DELETE ON renditions
BEGIN
    UPDATE batch_dossiers SET renditions = renditions - 1, rendition_pages = rendition_pages - OLD.pages,
        rendition_bytes = rendition_bytes - OLD.size
    WHERE dossier_id = OLD.dossier_id;
END;

-- A batch's tallies follow its hồ sơ's counts.
CREATE TRIGGER batch_dossiers_tally_insert AFTER INSERT ON batch_dossiers
BEGIN
    INSERT INTO batch_tallies
    SELECT NEW.batch_id, d.fonds_id, d.classification, d.mode, 1, CASE WHEN NEW.renditions > 0 THEN 1 ELSE 0 END,
           NEW.files, NEW.pages, NEW.pages_done, NEW.pages_rescan, NEW.pages_warned, NEW.renditions, NEW.rendition_pages,
           NEW.rendition_bytes
    FROM dossiers d WHERE d.id = NEW.dossier_id
    ON CONFLICT (batch_id, fonds_id, classification, mode) DO UPDATE SET
        dossiers = batch_tallies.dossiers + excluded.dossiers, dossiers_done = batch_tallies.dossiers_done + excluded.dossiers_done,
        files = batch_tallies.files + excluded.files, pages = batch_tallies.pages + excluded.pages,
        pages_done = batch_tallies.pages_done + excluded.pages_done, pages_rescan = batch_tallies.pages_rescan + excluded.pages_rescan,
        pages_warned = batch_tallies.pages_warned + excluded.pages_warned, renditions = batch_tallies.renditions + excluded.renditions,
        rendition_pages = batch_tallies.rendition_pages + excluded.rendition_pages,
        rendition_bytes = batch_tallies.rendition_bytes + excluded.rendition_bytes;
END;
CREATE TRIGGER batch_dossiers_tally_update AFTER UPDATE OF files, pages, pages_done, pages_rescan, pages_warned, renditions, rendition_pages, rendition_bytes
ON batch_dossiers
BEGIN
    UPDATE batch_tallies SET
        dossiers_done = batch_tallies.dossiers_done + (CASE WHEN NEW.renditions > 0 THEN 1 ELSE 0 END)
            - (CASE WHEN OLD.renditions > 0 THEN 1 ELSE 0 END),
        files = batch_tallies.files + NEW.files - OLD.files,
        pages = batch_tallies.pages + NEW.pages - OLD.pages,
        pages_done = batch_tallies.pages_done + NEW.pages_done - OLD.pages_done,
        pages_rescan = batch_tallies.pages_rescan + NEW.pages_rescan - OLD.pages_rescan,
        pages_warned = batch_tallies.pages_warned + NEW.pages_warned - OLD.pages_warned,
        renditions = batch_tallies.renditions + NEW.renditions - OLD.renditions,
        rendition_pages = batch_tallies.rendition_pages + NEW.rendition_pages - OLD.rendition_pages,
        rendition_bytes = batch_tallies.rendition_bytes + NEW.rendition_bytes - OLD.rendition_bytes
    FROM dossiers d
    WHERE d.id = NEW.dossier_id AND batch_tallies.batch_id = NEW.batch_id AND batch_tallies.fonds_id = d.fonds_id
      AND batch_tallies.classification = d.classification AND batch_tallies.mode = d.mode;
END;

-- A hồ sơ moved to another fonds, reclassified or given another mode moves its counts with it.
CREATE TRIGGER dossiers_tally_move AFTER UPDATE OF fonds_id, classification, mode ON dossiers
WHEN OLD.fonds_id <> NEW.fonds_id OR OLD.classification <> NEW.classification OR OLD.mode <> NEW.mode
BEGIN
    UPDATE batch_tallies SET
        dossiers = batch_tallies.dossiers - 1,
        dossiers_done = batch_tallies.dossiers_done - (CASE WHEN q.renditions > 0 THEN 1 ELSE 0 END),
        files = batch_tallies.files - q.files,
        pages = batch_tallies.pages - q.pages,
        pages_done = batch_tallies.pages_done - q.pages_done,
        pages_rescan = batch_tallies.pages_rescan - q.pages_rescan,
        pages_warned = batch_tallies.pages_warned - q.pages_warned,
        renditions = batch_tallies.renditions - q.renditions,
        rendition_pages = batch_tallies.rendition_pages - q.rendition_pages,
        rendition_bytes = batch_tallies.rendition_bytes - q.rendition_bytes
    FROM batch_dossiers q
    WHERE q.dossier_id = NEW.id AND batch_tallies.batch_id = q.batch_id AND batch_tallies.fonds_id = OLD.fonds_id
      AND batch_tallies.classification = OLD.classification AND batch_tallies.mode = OLD.mode;
    INSERT INTO batch_tallies
    SELECT q.batch_id, NEW.fonds_id, NEW.classification, NEW.mode, 1, CASE WHEN q.renditions > 0 THEN 1 ELSE 0 END,
           q.files, q.pages, q.pages_done, q.pages_rescan, q.pages_warned, q.renditions, q.rendition_pages, q.rendition_bytes
    FROM batch_dossiers q WHERE q.dossier_id = NEW.id
    ON CONFLICT (batch_id, fonds_id, classification, mode) DO UPDATE SET
        dossiers = batch_tallies.dossiers + excluded.dossiers, dossiers_done = batch_tallies.dossiers_done + excluded.dossiers_done,
        files = batch_tallies.files + excluded.files, pages = batch_tallies.pages + excluded.pages,
        pages_done = batch_tallies.pages_done + excluded.pages_done, pages_rescan = batch_tallies.pages_rescan + excluded.pages_rescan,
        pages_warned = batch_tallies.pages_warned + excluded.pages_warned, renditions = batch_tallies.renditions + excluded.renditions,
        rendition_pages = batch_tallies.rendition_pages + excluded.rendition_pages,
        rendition_bytes = batch_tallies.rendition_bytes + excluded.rendition_bytes;
END;
