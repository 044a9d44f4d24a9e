-- Issue 14, trust: flags weighed by distinct reporters, reviewer independence beyond the
-- account, and a reveal limit that cannot be raced.

-- Who reported, for deduplication: 'user:<uuid>' or 'client:<keyed hash of the address>'
-- (never the address itself), and how much the report weighs (hub/domain/flags.py).
-- Older rows keep NULL and weigh nothing: they were counted under the old rule already.
ALTER TABLE entry_flag ADD COLUMN reporter_key text;
ALTER TABLE entry_flag ADD COLUMN weight integer NOT NULL DEFAULT 0;
CREATE INDEX entry_flag_reporter_idx ON entry_flag (entry_id, reporter_key, created_at);

-- Flags never unpublish: past the threshold a verified entry stays VERIFIED and public, and
-- this marks it for a reviewer's recheck (the review queue shows it until someone decides).
ALTER TABLE entry ADD COLUMN recheck_requested_at timestamptz;
CREATE INDEX entry_recheck_idx ON entry (recheck_requested_at)
    WHERE recheck_requested_at IS NOT NULL;

-- Keyed hashes of what tied a request to an entry (the submitting client's address, its
-- browser, its session, its account), recorded at submission and at every edit with the
-- entry's token, so that a reviewer linked to any of them is refused.
CREATE TABLE entry_link (
    entry_id   uuid NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
    link       bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, link)
);

-- One row per revealed contact, counted per account and hour (not a scan of the audit log);
-- the audit log still records each reveal.
CREATE TABLE contact_reveal (
    user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    revealed_at timestamptz NOT NULL DEFAULT now(),
    contact_id  uuid NOT NULL
);
CREATE INDEX contact_reveal_user_idx ON contact_reveal (user_id, revealed_at);

-- When an organization was first verified: from then on only its approved staff and
-- coordinators speak for it, no longer whoever registered it or typed its name with a first
-- entry (and so holds that entry's edit token).
ALTER TABLE organization ADD COLUMN verified_at timestamptz;
UPDATE organization SET verified_at = updated_at WHERE verification_status = 'VERIFIED';
