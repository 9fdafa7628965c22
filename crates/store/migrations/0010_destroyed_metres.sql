-- How much a destruction removed from the shelves, in hundredths of a mét giá (the biên bản hủy
-- states it; the plan's statistics add it up).

ALTER TABLE disposal_lists ADD COLUMN destroyed_metres BIGINT;
