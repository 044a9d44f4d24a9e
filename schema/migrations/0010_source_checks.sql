-- Periodic checks that each entry's source (official notice, post) is still there.

CREATE TABLE source_check (
    entry_id         uuid PRIMARY KEY REFERENCES entry (id) ON DELETE CASCADE,
    url              text NOT NULL,
    checked_at       timestamptz NOT NULL,
    http_status      integer,
    failures         integer NOT NULL DEFAULT 0
);
