-- The roles of a deployment, run once by the PostgreSQL superuser on the hub's database
-- (compose.yaml runs it from the postgres image's initdb; tests/test_deploy_roles.py runs it
-- too). psql variables: owner_password and app_password (required), owner_role and app_role
-- (default hub_owner and hub_app).
--
-- hub_owner owns the database and applies migrations (HUB_MIGRATE_DATABASE_URL); it is no
-- superuser. hub_app is what the hub and its worker connect as (HUB_DATABASE_URL): rows of
-- the hub's tables, nothing else; no DDL, no UPDATE, DELETE or TRUNCATE on the audit log or
-- its checkpoints (migrations 0011, 0012, 0026), whose owner, hub_audit_owner, nobody logs in
-- as. A superuser app role would void all of that: it may switch any trigger off.
\set ON_ERROR_STOP on
\if :{?owner_role}
\else
\set owner_role hub_owner
\endif
\if :{?app_role}
\else
\set app_role hub_app
\endif

SELECT format('CREATE ROLE %I LOGIN', :'owner_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner_role') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec
ALTER ROLE :"owner_role" NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD :'owner_password';
ALTER ROLE :"app_role" NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD :'app_password';

-- The owner owns the database, and so its public schema (PostgreSQL 15+: pg_database_owner).
SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'owner_role') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'app_role') \gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";

-- The audit log's owner, made here so that the owner needs no CREATEROLE (migration 0011
-- makes it only where it is missing). The owner is a member: migrations after 0011 change
-- the audit tables (triggers, columns) as their owner. The role may own tables in the schema.
SELECT 'CREATE ROLE hub_audit_owner NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hub_audit_owner') \gexec
GRANT CREATE, USAGE ON SCHEMA public TO hub_audit_owner;
GRANT hub_audit_owner TO :"owner_role" WITH ADMIN OPTION;

-- Whatever the migrations create reaches the app as rows only (the audit tables' UPDATE,
-- DELETE and TRUNCATE are taken back by the migrations that make them).
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
