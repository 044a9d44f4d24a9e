-- Nobody but the audit log's owner keeps UPDATE, DELETE or TRUNCATE on it, whatever default
-- privileges granted when the table was made (the embedded default grants the app role all
-- table rights, for every table its migrations create).
DO $$
DECLARE
    grantee text;
BEGIN
    FOR grantee IN
        SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
        WHERE g.table_schema = 'public' AND g.table_name = 'audit_log'
          AND g.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
          AND g.grantee NOT IN (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log')
    LOOP
        IF grantee = 'PUBLIC' THEN
            REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
        ELSE
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM %I', grantee);
        END IF;
    END LOOP;
END
$$;
