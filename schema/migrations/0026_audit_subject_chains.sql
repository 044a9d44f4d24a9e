-- The audit trail in one chain per subject, and signed checkpoints of the chains' heads.
--
-- One global chain made every audited write in the hub wait for every other at its commit.
-- From here on a record links to the previous record about the same subject (`chain`: the
-- subject's id, or its kind when it has none), so writes about different subjects append side
-- by side; `seq`, from a sequence, still orders the whole trail. The records written before
-- this migration stay one chain, the legacy chain (`chain` = ''), verified as it always was.
-- What a link cannot show (a subject's whole chain or its newest records deleted) the
-- checkpoints show: each signs a digest of every chain's head at one point of `seq`.

-- Changing the audit log needs its owner's rights (migration 0011), for this migration only.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_audit_owner')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT hub_audit_owner TO %I', current_user);
    END IF;
END
$$;

ALTER TABLE audit_log ADD COLUMN chain text NOT NULL DEFAULT '';
-- New records always name their chain; '' stays the legacy chain's alone.
ALTER TABLE audit_log ALTER COLUMN chain DROP DEFAULT;
-- Each append looks up its chain's newest record; `hub audit verify` reads chain by chain.
CREATE INDEX audit_log_chain_idx ON audit_log (chain, seq);

-- Numbers after the legacy records (is_called false: the next record gets max + 1).
CREATE SEQUENCE audit_log_seq AS bigint;
SELECT setval('audit_log_seq', coalesce((SELECT max(seq) FROM audit_log), 0) + 1, false);

CREATE TABLE audit_checkpoint (
    at            timestamptz PRIMARY KEY,
    -- Every record numbered up to here had committed when the checkpoint was taken, and no
    -- record committed later is numbered up to here (hub/store/audit.py: checkpoint_cut).
    seq           bigint NOT NULL,
    chains        integer NOT NULL,
    -- SHA-256 over every chain's newest record at `seq` (hub/domain/audit.py: heads_digest).
    heads_digest  bytea NOT NULL,
    -- HMAC-SHA256 with HUB_SECRET_KEY over the fields above; NULL when the key is unset.
    signature     bytea,
    -- Which key signed it (a fingerprint, not the key), so a rotated key is told apart.
    key_id        text
);
CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Same ownership as the audit log (migration 0011): the app may add, never change or remove.
DO $$
DECLARE
    t text;
    grantee text;
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_audit_owner') THEN
        ALTER TABLE audit_checkpoint OWNER TO hub_audit_owner;
        ALTER SEQUENCE audit_log_seq OWNER TO hub_audit_owner;
    END IF;
    -- Run by a member of the owner role, a REVOKE acts as the owner: this also takes back
    -- what migration 0012 could not where the migrating role was no superuser.
    FOR t, grantee IN
        SELECT DISTINCT g.table_name, g.grantee FROM information_schema.role_table_grants g
        WHERE g.table_schema = 'public' AND g.table_name IN ('audit_log', 'audit_checkpoint')
          AND g.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
          AND g.grantee NOT IN (
              SELECT tableowner FROM pg_tables WHERE tablename = g.table_name)
    LOOP
        IF grantee = 'PUBLIC' THEN
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM PUBLIC', t);
        ELSE
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %I', t, grantee);
        END IF;
    END LOOP;
    GRANT SELECT, INSERT ON audit_checkpoint TO PUBLIC;
    -- nextval only: setval (UPDATE) stays with the owner.
    REVOKE UPDATE ON SEQUENCE audit_log_seq FROM PUBLIC;
    GRANT USAGE ON SEQUENCE audit_log_seq TO PUBLIC;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_audit_owner')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('REVOKE hub_audit_owner FROM %I', current_user);
    END IF;
END
$$;
