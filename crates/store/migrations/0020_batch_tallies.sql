-- Where a batch stands is kept as it changes, not counted per request: each hồ sơ of a batch
-- carries its own counts (files, current pages, pages done, awaiting re-scan, renditions and
-- their pages and bytes), and
-- `batch_tallies` sums them per batch by what visibility decides on (the hồ sơ's fonds,
-- classification and mode). A batch's progress for a viewer then reads a handful of rows,
-- however large the batch. Triggers (migration 21) keep both in step with every write,
-- including a hồ sơ moved to another fonds or reclassified; here the counts start from what the
-- catalogue holds.
--
-- A page also keeps its warnings (JSON, like its problems): what QC found and let through — a
-- resolution assumed, a grey master of a paper with a red seal, a page turned upright — counted
-- with the rest and listed through a partial index.
ALTER TABLE scan_pages ADD COLUMN warnings TEXT;
CREATE INDEX scan_pages_warned ON scan_pages (batch_id, dossier_id) WHERE warnings IS NOT NULL;
ALTER TABLE batch_dossiers ADD COLUMN files BIGINT NOT NULL DEFAULT 0;
ALTER TABLE batch_dossiers ADD COLUMN pages BIGINT NOT NULL DEFAULT 0;
ALTER TABLE batch_dossiers ADD COLUMN pages_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE batch_dossiers ADD COLUMN pages_rescan BIGINT NOT NULL DEFAULT 0;
ALTER TABLE batch_dossiers ADD COLUMN pages_warned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE batch_dossiers ADD COLUMN renditions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE batch_dossiers ADD COLUMN rendition_pages BIGINT NOT NULL DEFAULT 0;
ALTER TABLE batch_dossiers ADD COLUMN rendition_bytes BIGINT NOT NULL DEFAULT 0;

UPDATE batch_dossiers SET
    files = (SELECT COUNT(*) FROM scan_files f
             WHERE f.batch_id = batch_dossiers.batch_id AND f.dossier_id = batch_dossiers.dossier_id AND f.replaced_by IS NULL),
    pages = (SELECT COUNT(*) FROM scan_pages p
             WHERE p.batch_id = batch_dossiers.batch_id AND p.dossier_id = batch_dossiers.dossier_id AND p.state <> 'replaced'),
    pages_done = (SELECT COUNT(*) FROM scan_pages p
                  WHERE p.batch_id = batch_dossiers.batch_id AND p.dossier_id = batch_dossiers.dossier_id AND p.state = 'done'),
    pages_rescan = (SELECT COUNT(*) FROM scan_pages p
                    WHERE p.batch_id = batch_dossiers.batch_id AND p.dossier_id = batch_dossiers.dossier_id AND p.state = 'rescan'),
    pages_warned = (SELECT COUNT(*) FROM scan_pages p
                    WHERE p.batch_id = batch_dossiers.batch_id AND p.dossier_id = batch_dossiers.dossier_id AND p.state <> 'replaced'
                      AND p.warnings IS NOT NULL),
    renditions = (SELECT COUNT(*) FROM renditions r WHERE r.dossier_id = batch_dossiers.dossier_id),
    rendition_pages = (SELECT COALESCE(SUM(r.pages), 0) FROM renditions r WHERE r.dossier_id = batch_dossiers.dossier_id),
    rendition_bytes = (SELECT COALESCE(SUM(r.size), 0) FROM renditions r WHERE r.dossier_id = batch_dossiers.dossier_id);

CREATE TABLE batch_tallies (
    batch_id BIGINT NOT NULL REFERENCES scan_batches (id),
    fonds_id BIGINT NOT NULL,
    classification BIGINT NOT NULL,
    mode TEXT NOT NULL,
    dossiers BIGINT NOT NULL,
    dossiers_done BIGINT NOT NULL,
    files BIGINT NOT NULL,
    pages BIGINT NOT NULL,
    pages_done BIGINT NOT NULL,
    pages_rescan BIGINT NOT NULL,
    pages_warned BIGINT NOT NULL,
    renditions BIGINT NOT NULL,
    rendition_pages BIGINT NOT NULL,
    rendition_bytes BIGINT NOT NULL,
    PRIMARY KEY (batch_id, fonds_id, classification, mode)
);

INSERT INTO batch_tallies
SELECT q.batch_id, d.fonds_id, d.classification, d.mode, COUNT(*), SUM(CASE WHEN q.renditions > 0 THEN 1 ELSE 0 END),
       SUM(q.files), SUM(q.pages), SUM(q.pages_done), SUM(q.pages_rescan), SUM(q.pages_warned), SUM(q.renditions),
       SUM(q.rendition_pages), SUM(q.rendition_bytes)
FROM batch_dossiers q JOIN dossiers d ON d.id = q.dossier_id
GROUP BY q.batch_id, d.fonds_id, d.classification, d.mode;
