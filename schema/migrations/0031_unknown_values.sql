-- "Unknown" is a value (issue 17): what the source does not state is stored as NULL instead of
-- an invented 0, false, OTHER, MEDIUM or "". Rows written before keep their values: an old
-- "0 rooms" may have been typed on purpose, and nothing tells the two apart.

ALTER TABLE lodging
    ALTER COLUMN rooms_available DROP NOT NULL,
    ALTER COLUMN eligibility DROP NOT NULL,
    ALTER COLUMN is_free DROP NOT NULL;

ALTER TABLE offer
    ALTER COLUMN can_deliver DROP NOT NULL,
    ALTER COLUMN is_free DROP NOT NULL;

ALTER TABLE logistics_offer
    ALTER COLUMN vehicle_type DROP NOT NULL,
    ALTER COLUMN is_free DROP NOT NULL;

-- A need may leave its urgency unstated; other kinds still have none. The old check (unnamed
-- in 0001, so found by its definition) required every need to have one.
DO $$
DECLARE
    found text;
BEGIN
    FOR found IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'entry'::regclass AND contype = 'c'
          AND pg_get_constraintdef(oid) LIKE '%urgency IS NOT NULL%'
    LOOP
        EXECUTE format('ALTER TABLE entry DROP CONSTRAINT %I', found);
    END LOOP;
END
$$;
ALTER TABLE entry ADD CONSTRAINT entry_urgency_of_needs_check
    CHECK (kind = 'NEED' OR urgency IS NULL);

-- A need whose urgency is not stated ranks as MEDIUM (rank 2) in the URGENCY order and the
-- review queue, as in its priority below: neither above real emergencies nor below them.
-- Entries of other kinds keep rank 4. (Dropping the column drops its two indexes, made again.)
ALTER TABLE entry DROP COLUMN urgency_rank;
ALTER TABLE entry ADD COLUMN urgency_rank smallint GENERATED ALWAYS AS (CASE urgency
    WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3
    ELSE CASE WHEN kind = 'NEED' THEN 2 ELSE 4 END END) STORED;
CREATE INDEX entry_urgency_order_idx ON entry (kind, urgency_rank, updated_at DESC, id DESC);
CREATE INDEX entry_review_queue_idx ON entry (urgency_rank, queued_at, id)
    WHERE verification_status IN ('PENDING', 'IN_REVIEW', 'EXPIRED');

-- The priority's urgency weight: a need without one weighs as MEDIUM (2), no longer as LOW
-- (the ELSE of 0018 and 0024). Same function as migration 0024 otherwise; the weights repeat
-- hub/domain/priority.py (URGENCY_WEIGHT, RANKED_WHEN_NOT_STATED).
CREATE OR REPLACE FUNCTION need_priority_base(need_id uuid, need_urgency text, need_status text)
RETURNS double precision LANGUAGE sql STABLE AS $$
    SELECT (CASE need_urgency WHEN 'CRITICAL' THEN 8 WHEN 'HIGH' THEN 4 WHEN 'LOW' THEN 1
                              ELSE 2 END)::double precision
        * (0.2 + 0.8 * CASE WHEN need_status = 'FULFILLED' THEN 0 ELSE coalesce((
              SELECT avg(CASE WHEN i.quantity IS NULL OR i.quantity <= 0 THEN 1.0::float8
                              ELSE greatest(1 - i.fulfilled_quantity::float8 / i.quantity::float8,
                                            0) END)
              FROM entry_item i WHERE i.entry_id = need_id), 1) END)
        / (1 + 0.5 * (SELECT count(*) FROM pledge p
                      WHERE p.need_id = need_priority_base.need_id
                        AND p.status IN ('ACCEPTED', 'IN_TRANSIT', 'DELIVERED')))
$$;
