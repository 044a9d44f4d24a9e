-- Live events in commit order (hub/live/relay.py).
--
-- entry_event.id is taken at INSERT, not at COMMIT: a slow transaction can commit a smaller id
-- after a faster one committed a larger id, and a reader resuming at "id > last seen" would
-- skip it for ever. So a relay stamps each committed row with a dense position, under one
-- advisory lock for the whole database, in the order rows become visible. Clients see and
-- resume from positions; a missing position is always a missed event, never a late commit.
ALTER TABLE entry_event ADD COLUMN position bigint UNIQUE;

-- Rows already committed are stamped in id order: nothing was published from them yet.
UPDATE entry_event SET position = id;

-- What the relay scans for on every commit: the unstamped tail.
CREATE INDEX entry_event_unstamped_idx ON entry_event (id) WHERE position IS NULL;

-- Wake the relays. NOTIFY is delivered at COMMIT (and never for a rolled-back transaction),
-- and PostgreSQL folds identical notifications of one transaction into one.
CREATE FUNCTION entry_event_committed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hub_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER entry_event_committed
    AFTER INSERT ON entry_event
    FOR EACH STATEMENT EXECUTE FUNCTION entry_event_committed();
