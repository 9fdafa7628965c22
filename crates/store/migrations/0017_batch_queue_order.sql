-- A batch's queue is read a page at a time in working order (the rank a person set, else the
-- plan's, then the hồ sơ): this index serves each page without sorting the whole batch.
CREATE INDEX batch_dossiers_queue ON batch_dossiers (batch_id, (COALESCE(override_rank, rank)), dossier_id);
