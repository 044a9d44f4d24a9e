-- A need's priority without its clock: the part of the score (hub/domain/priority.py) that
-- changes only when the need, its items or its pledges change,
--
--     priority_base = URGENCY_WEIGHT × (0.2 + 0.8 × unmetShare) / (1 + 0.5 × pledges)
--
-- kept on the row by triggers, so that ranking needs by priority multiplies one stored number
-- by the waiting factor instead of aggregating every need's items and pledges per request.
-- The weights repeat hub/domain/priority.py; tests/pledges/test_matching.py holds them equal.

ALTER TABLE entry ADD COLUMN priority_base double precision;

CREATE FUNCTION need_priority_base(need_id uuid, need_urgency text, need_status text)
RETURNS double precision LANGUAGE sql STABLE AS $$
    SELECT (CASE need_urgency WHEN 'CRITICAL' THEN 8 WHEN 'HIGH' THEN 4 WHEN 'MEDIUM' THEN 2
                              ELSE 1 END)::double precision
        * (0.2 + 0.8 * CASE WHEN need_status = 'FULFILLED' THEN 0 ELSE coalesce((
              SELECT avg(CASE WHEN i.quantity IS NULL OR i.quantity <= 0 THEN 1.0::float8
                              ELSE greatest(1 - i.fulfilled_quantity::float8 / i.quantity::float8,
                                            0) END)
              FROM entry_item i WHERE i.entry_id = need_id), 1) END)
        / (1 + 0.5 * (SELECT count(*) FROM pledge p
                      WHERE p.need_id = need_priority_base.need_id AND p.status <> 'CANCELLED'))
$$;

-- The need's own urgency or status changed (or it is new): computed on the row being written.
CREATE FUNCTION entry_priority_base() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'NEED' THEN
        NEW.priority_base := need_priority_base(NEW.id, NEW.urgency, NEW.status);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER entry_priority_base BEFORE INSERT OR UPDATE OF urgency, status ON entry
    FOR EACH ROW EXECUTE FUNCTION entry_priority_base();

-- Its items or pledges changed: the need's row is brought up to date. (SET priority_base does
-- not fire the trigger above, which watches urgency and status only.)
CREATE FUNCTION refresh_need_priority(need uuid) RETURNS void LANGUAGE sql AS $$
    UPDATE entry SET priority_base = need_priority_base(id, urgency, status)
    WHERE id = need AND kind = 'NEED'
$$;

CREATE FUNCTION entry_item_priority() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM refresh_need_priority(OLD.entry_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM refresh_need_priority(NEW.entry_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER entry_item_priority AFTER INSERT OR UPDATE OR DELETE ON entry_item
    FOR EACH ROW EXECUTE FUNCTION entry_item_priority();

CREATE FUNCTION pledge_priority() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_need_priority(NEW.need_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER pledge_priority AFTER INSERT OR UPDATE OF status ON pledge
    FOR EACH ROW EXECUTE FUNCTION pledge_priority();

UPDATE entry SET priority_base = need_priority_base(id, urgency, status) WHERE kind = 'NEED';
