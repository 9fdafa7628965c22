-- Cơ quan chủ quản trực tiếp: the first line of a unit's papers under NĐ 30/2020 (the Trung tâm
-- Lưu trữ lịch sử sits under the Sở Nội vụ).
ALTER TABLE units ADD COLUMN parent_body TEXT;
