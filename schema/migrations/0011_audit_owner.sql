-- The audit log belongs to a role that nobody logs in as: the role the app uses may insert and
-- read audit rows, but not change, delete or unguard them (no ALTER TABLE for a non-owner).
-- Creating the role needs CREATEROLE; where the migrating role lacks it, the table stays as it
-- was (guarded by its trigger and the hash chain) and a notice says so.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_audit_owner') THEN
        IF (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE hub_audit_owner NOLOGIN;
        ELSE
            RAISE NOTICE 'no CREATEROLE: audit_log keeps its owner';
            RETURN;
        END IF;
    END IF;
    -- Handing a table over needs membership in the new owner role (or superuser).
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT hub_audit_owner TO %I', current_user);
    END IF;
    ALTER TABLE audit_log OWNER TO hub_audit_owner;
    ALTER FUNCTION audit_log_append_only() OWNER TO hub_audit_owner;
    GRANT SELECT, INSERT ON audit_log TO PUBLIC;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('REVOKE hub_audit_owner FROM %I', current_user);
    END IF;
END
$$;
