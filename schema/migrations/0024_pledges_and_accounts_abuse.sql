-- Issue 14 (hold up under abuse): pledge squatting and accounts.
--
-- Pledges: who proposed a pledge (the account, else a keyed digest of the client address), so
-- that one pledger's open proposals on a need can be capped; the expiry job finds stale
-- proposals by their age.
ALTER TABLE pledge ADD COLUMN pledger_key text;
CREATE INDEX pledge_open_proposal_idx ON pledge (need_id, pledger_key) WHERE status = 'PROPOSED';
CREATE INDEX pledge_proposed_age_idx ON pledge (created_at) WHERE status = 'PROPOSED';

-- A need's priority falls only with pledges the needing side accepted (accepted, in transit
-- or delivered; hub.domain.pledges.WEIGHTY), no longer with every proposal: n junk proposals
-- divided it by (1 + 0.5 n). Same function as migration 0018 otherwise.
CREATE OR REPLACE FUNCTION need_priority_base(need_id uuid, need_urgency text, need_status text)
RETURNS double precision LANGUAGE sql STABLE AS $$
    SELECT (CASE need_urgency WHEN 'CRITICAL' THEN 8 WHEN 'HIGH' THEN 4 WHEN 'MEDIUM' THEN 2
                              ELSE 1 END)::double precision
        * (0.2 + 0.8 * CASE WHEN need_status = 'FULFILLED' THEN 0 ELSE coalesce((
              SELECT avg(CASE WHEN i.quantity IS NULL OR i.quantity <= 0 THEN 1.0::float8
                              ELSE greatest(1 - i.fulfilled_quantity::float8 / i.quantity::float8,
                                            0) END)
              FROM entry_item i WHERE i.entry_id = need_id), 1) END)
        / (1 + 0.5 * (SELECT count(*) FROM pledge p
                      WHERE p.need_id = need_priority_base.need_id
                        AND p.status IN ('ACCEPTED', 'IN_TRANSIT', 'DELIVERED')))
$$;

UPDATE entry SET priority_base = need_priority_base(id, urgency, status) WHERE kind = 'NEED';

-- Sessions idle out (HUB_SESSION_IDLE_HOURS): the last time a session was used, refreshed at
-- most once a minute. Existing sessions count as used now.
ALTER TABLE user_session ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();

-- API tokens expire. Tokens issued before this migration had no expiry: they get one 90 days
-- after the migration (HUB_API_TOKEN_MAX_DAYS' default), so that scripts keep working while
-- their owners replace them, and none lives forever.
ALTER TABLE api_token ADD COLUMN expires_at timestamptz;
UPDATE api_token SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE api_token ALTER COLUMN expires_at SET NOT NULL;
