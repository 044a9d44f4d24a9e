-- Reports from anyone that an entry is wrong (already fulfilled, wrong number, fake, ...).

CREATE TABLE entry_flag (
    id          uuid PRIMARY KEY,
    entry_id    uuid NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
    reason      text NOT NULL CHECK (reason IN ('ALREADY_FULFILLED', 'WRONG_CONTACT', 'FAKE',
                    'OUTDATED', 'DUPLICATE', 'OTHER')),
    note        text,
    flagged_by  uuid REFERENCES app_user (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entry_flag_entry_idx ON entry_flag (entry_id, created_at);
