-- Lists of hồ sơ are read a page at a time in catalogue order (mục lục, hồ sơ số with the
-- unnumbered last, entry): these indexes serve each page from where the last one ended,
-- within a mục lục, a phông or the whole catalogue; and the phiếu tin page its latest entries.
DROP INDEX dossiers_inventory;
CREATE INDEX dossiers_listing ON dossiers (inventory_id, (COALESCE(number, 2147483647)), id);
CREATE INDEX dossiers_fonds_listing ON dossiers (fonds_id, inventory_id, (COALESCE(number, 2147483647)), id);
DROP INDEX dossiers_fonds;
CREATE INDEX dossiers_entry_order ON dossiers (inventory_id, temp_number);
