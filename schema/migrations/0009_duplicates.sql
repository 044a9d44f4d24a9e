-- Likely duplicates found at submission, and merges decided by coordinators.

CREATE TABLE entry_duplicate (
    entry_id      uuid NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
    duplicate_of  uuid NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
    score         real NOT NULL,
    detected_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, duplicate_of)
);
CREATE INDEX entry_duplicate_of_idx ON entry_duplicate (duplicate_of);

ALTER TABLE entry ADD COLUMN merged_into uuid REFERENCES entry (id);
