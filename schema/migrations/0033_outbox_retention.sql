-- The outbox's retention (workers/outbox_retention.py): events that every reader has passed
-- and that are older than HUB_OUTBOX_RETENTION_DAYS are deleted, oldest first.
--
-- Positions are dense (0013), so a resume point below the highest deleted position would
-- silently skip the deleted events. The highest deleted position is kept here, and a
-- subscriber resuming from below it is refused as beyond the replay window, never given a gap.
CREATE TABLE outbox_pruned (
    only_row          boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    through_position  bigint NOT NULL,
    pruned_at         timestamptz NOT NULL DEFAULT now()
);
