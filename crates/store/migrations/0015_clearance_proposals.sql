-- Nobody grants what they do not hold: an administrator proposes a higher clearance, a Lãnh đạo
-- cleared at least as high approves it. The proposal waits on the account.
ALTER TABLE users ADD COLUMN proposed_clearance BIGINT;
ALTER TABLE users ADD COLUMN proposed_by TEXT;
