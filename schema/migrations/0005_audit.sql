-- The audit trail: append-only and tamper-evident (each record carries a SHA-256 hash chained to
-- the previous one; `hub audit verify` recomputes the chain).

CREATE TABLE audit_log (
    seq           bigint PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor_id      uuid,
    -- A user's public handle, or "anonymous", "edit-token" or "system".
    actor_label   text NOT NULL,
    action        text NOT NULL,
    subject_kind  text NOT NULL,
    subject_id    uuid,
    -- Changed fields as {"field": {"before": ..., "after": ...}}; protected values redacted.
    changes       jsonb NOT NULL DEFAULT '{}',
    reason        text,
    prev_hash     bytea NOT NULL,
    hash          bytea NOT NULL
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
