-- Reconfirmation links: a private, expiring, single-purpose secret for whoever posted an entry,
-- to say it is still current, fulfilled or withdrawn, without an account.

CREATE TABLE reconfirmation_token (
    token_hash  bytea PRIMARY KEY,
    entry_id    uuid NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconfirmation_token_entry_idx ON reconfirmation_token (entry_id);
