-- When a box's thickness was first recorded (it was filled and placed after chỉnh lý): the date of
-- the metres arranged, for the burn-up of chỉnh lý. Boxes recorded before this migration are
-- dated by it: Kho did not know earlier when they were placed.
ALTER TABLE boxes ADD COLUMN placed_at TEXT;
UPDATE boxes SET placed_at = {now} WHERE thickness_mm IS NOT NULL;
CREATE INDEX boxes_placed ON boxes (placed_at);

CREATE TRIGGER boxes_placed_insert AFTER INSERT ON boxes
WHEN NEW.thickness_mm IS NOT NULL AND NEW.placed_at IS NULL
BEGIN
    UPDATE boxes SET placed_at = {now} WHERE id = NEW.id;
END;

CREATE TRIGGER boxes_placed_update AFTER UPDATE OF thickness_mm ON boxes
WHEN NEW.thickness_mm IS NOT NULL AND NEW.placed_at IS NULL
BEGIN
    UPDATE boxes SET placed_at = {now} WHERE id = NEW.id;
END;
